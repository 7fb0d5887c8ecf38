"""Every module's documentation stub (plugins/modules/X.py) parses and documents exactly its action plugin's
argument spec: names, types, defaults, choices, elements. ansible-test's validate-modules cannot check this, since
the stubs carry no code."""

import importlib
import os

import pytest
import yaml

from collection_path import REPO_ROOT as COLLECTION_ROOT

MODULES = sorted(name[:-3] for name in os.listdir(os.path.join(COLLECTION_ROOT, 'plugins', 'modules'))
                 if name.endswith('.py') and not name.startswith('_'))
KEYS = ('type', 'default', 'choices', 'elements', 'required')
SECRET_WORDS = ('password', 'secret', 'access_key', 'token')


def documented(name):
    stub = importlib.import_module('ansible_collections.hyperv.cluster.plugins.modules.%s' % name)
    return (yaml.safe_load(stub.DOCUMENTATION), yaml.safe_load(stub.EXAMPLES), yaml.safe_load(stub.RETURN))


@pytest.mark.parametrize('name', MODULES)
def test_documentation_examples_and_return_parse(name):
    doc, examples, returns = documented(name)
    assert doc['module'] == name
    assert doc['short_description'] and doc['description']
    assert isinstance(examples, list) and examples, 'no examples'
    assert all(('hyperv.cluster.%s' % name) in task or 'ansible.builtin.assert' in task or 'ansible.builtin.debug'
               in task or any(key.startswith('ansible.') for key in task) for task in examples)
    assert isinstance(returns, dict) and returns


@pytest.mark.parametrize('name', MODULES)
def test_documented_options_are_the_argument_spec(name):
    doc, _examples, _returns = documented(name)
    action = importlib.import_module('ansible_collections.hyperv.cluster.plugins.action.%s' % name)
    spec = action.ActionModule.ARGUMENT_SPEC
    options = doc.get('options') or {}
    assert sorted(options) == sorted(spec)
    for option, entry in spec.items():
        documented_entry = options[option]
        for key in KEYS:
            expected = entry.get(key)
            if key == 'required' and not expected:
                expected = None
            actual = documented_entry.get(key)
            if key == 'required' and not actual:
                actual = None
            if key == 'type' and expected is None:
                expected = 'str'
            if isinstance(expected, tuple):
                expected = list(expected)
            assert actual == expected, (option, key, actual, expected)


@pytest.mark.parametrize('name', MODULES)
def test_secret_options_are_no_log(name):
    action = importlib.import_module('ansible_collections.hyperv.cluster.plugins.action.%s' % name)
    for option, entry in action.ActionModule.ARGUMENT_SPEC.items():
        if any(word in option for word in SECRET_WORDS) and entry.get('type', 'str') == 'str':
            assert entry.get('no_log') is True, option
