"""The AWX/AAP objects of awx/vars/controller_objects.yml match the repository: every job template runs a playbook
that exists, every playbook has a job template, every survey variable is one its playbook documents and uses, the
credential type injects role variables the roles declare (secrets as no_log), and the workflow `site` runs the steps
of playbooks/site.yml in order."""

import os
import re

import pytest
import yaml

from collection_path import REPO_ROOT

PLAYBOOKS = os.path.join(REPO_ROOT, 'playbooks')
# Playbooks that may not exist yet (being written): their job templates are checked once they do.
PENDING_PLAYBOOKS = {'playbooks/site.yml', 'playbooks/cluster_report.yml', 'playbooks/cluster_prereqs.yml'}
# Imported by other playbooks, never run on their own.
NOT_JOB_TEMPLATES = {'playbooks/cluster_leaders.yml'}
# Injected variables of roles whose meta/argument_specs.yml does not declare them yet (e.g. a role being written).
# Keep it empty: a test fails while a declared variable is still listed here.
PENDING_ROLE_VARIABLES = set()
SURVEY_TYPES = {'text', 'textarea', 'password', 'integer', 'float', 'multiplechoice', 'multiselect'}
IMPORT = re.compile(r'^\s*(?:-\s+)?ansible\.builtin\.import_playbook:\s*(\S+)\s*$', re.MULTILINE)
ROLE = re.compile(r'^\s*-?\s*role:\s*hyperv\.cluster\.(\w+)\s*$', re.MULTILINE)


class ControllerObjectsLoader(yaml.SafeLoader):
    """Reads Ansible's !unsafe (the credential type's injector templates) as the plain string it marks."""


ControllerObjectsLoader.add_constructor('!unsafe', lambda loader, node: loader.construct_scalar(node))

with open(os.path.join(REPO_ROOT, 'awx', 'vars', 'controller_objects.yml'), encoding='utf-8') as _handle:
    OBJECTS = yaml.load(_handle, Loader=ControllerObjectsLoader)  # nosec - a SafeLoader subclass
JOB_TEMPLATES = OBJECTS['hyperv_awx_job_templates']
CREDENTIAL_TYPE = OBJECTS['hyperv_awx_credential_type']
INJECTED = CREDENTIAL_TYPE['injectors']['extra_vars']


def playbook_text(playbook):
    with open(os.path.join(REPO_ROOT, playbook), encoding='utf-8') as handle:
        return handle.read()


def header(text):
    """The comment block a playbook starts with: where it documents its input."""
    lines = []
    for line in text.splitlines():
        if line.strip() == '---':
            continue
        if not line.startswith('#'):
            break
        lines.append(line)
    return '\n'.join(lines)


def code(text):
    return '\n'.join(line for line in text.splitlines() if not line.lstrip().startswith('#'))


def imported(playbook):
    """The playbook and those it imports, recursively (repository paths)."""
    found = [playbook]
    for name in IMPORT.findall(playbook_text(playbook)):
        child = os.path.relpath(os.path.join(os.path.dirname(os.path.join(REPO_ROOT, playbook)), name), REPO_ROOT)
        if os.path.exists(os.path.join(REPO_ROOT, child)):
            found.extend(path for path in imported(child) if path not in found)
    return found


def role_options():
    """Every role's declared variables: {name: spec}."""
    options = {}
    for role in sorted(os.listdir(os.path.join(REPO_ROOT, 'roles'))):
        path = os.path.join(REPO_ROOT, 'roles', role, 'meta', 'argument_specs.yml')
        if os.path.exists(path):
            with open(path, encoding='utf-8') as handle:
                for entry in yaml.safe_load(handle)['argument_specs'].values():
                    options.update(entry.get('options', {}))
    return options


def existing(templates):
    return [template for template in templates if os.path.exists(os.path.join(REPO_ROOT, template['playbook']))]


def test_every_job_template_runs_a_playbook_of_the_repository():
    for template in JOB_TEMPLATES:
        assert template['playbook'] in PENDING_PLAYBOOKS or os.path.exists(
            os.path.join(REPO_ROOT, template['playbook'])), '%s: %s does not exist' % (
                template['name'], template['playbook'])
    assert len({template['name'] for template in JOB_TEMPLATES}) == len(JOB_TEMPLATES)


def test_every_playbook_has_a_job_template():
    playbooks = {'playbooks/' + name for name in os.listdir(PLAYBOOKS) if name.endswith('.yml')}
    missing = playbooks - NOT_JOB_TEMPLATES - {template['playbook'] for template in JOB_TEMPLATES}
    assert missing == set(), 'add a job template to awx/vars/controller_objects.yml for %s' % sorted(missing)
    assert PENDING_PLAYBOOKS <= {template['playbook'] for template in JOB_TEMPLATES}


SURVEYED = [(template, question) for template in JOB_TEMPLATES for question in template.get('survey', [])]


@pytest.mark.parametrize('template, question', SURVEYED,
                         ids=['%s-%s' % (t['playbook'], q['variable']) for t, q in SURVEYED])
def test_survey_variables_are_documented_and_used_by_the_playbook(template, question):
    if not os.path.exists(os.path.join(REPO_ROOT, template['playbook'])):
        pytest.skip('%s is not written yet' % template['playbook'])  # only for PENDING_PLAYBOOKS
    variable = re.compile(r'\b%s\b' % re.escape(question['variable']))
    assert variable.search(header(playbook_text(template['playbook']))), '%s does not document %s' % (
        template['playbook'], question['variable'])
    assert any(variable.search(code(playbook_text(path))) for path in imported(template['playbook'])), (
        '%s does not use %s' % (template['playbook'], question['variable']))


@pytest.mark.parametrize('template, question', SURVEYED,
                         ids=['%s-%s' % (t['playbook'], q['variable']) for t, q in SURVEYED])
def test_survey_questions_are_complete(template, question):
    assert {'question_name', 'variable', 'type', 'required'} <= set(question)
    assert question['type'] in SURVEY_TYPES
    if question['type'] == 'multiplechoice':
        assert question['default'] in question['choices']
        # The playbook names every choice it accepts, so the survey offers nothing it refuses.
        text = header(playbook_text(template['playbook']))
        assert all(re.search(r'\b%s\b' % choice, text) for choice in question['choices']), question['choices']
    if not question['required']:
        assert 'default' in question, 'an optional question sends its default: give one the playbook accepts'
    variables = [item['variable'] for item in template['survey']]
    assert len(set(variables)) == len(variables)


def test_survey_ids_are_real():
    """The parametrized survey tests above cover the questions, so the list is not empty by mistake."""
    assert {question['variable'] for _template, question in SURVEYED} >= {
        'hyperv_vm', 'hyperv_destination', 'hyperv_migration_type', 'hyperv_node', 'hyperv_failback', 'hyperv_target'}


def test_the_credential_type_injects_declared_role_variables_and_secrets_as_no_log():
    options = role_options()
    fields = {field['id']: field for field in CREDENTIAL_TYPE['inputs']['fields']}
    assert set(CREDENTIAL_TYPE['inputs']['required']) <= set(fields)
    undeclared = set(INJECTED) - set(options)
    assert undeclared <= PENDING_ROLE_VARIABLES, 'not declared in any roles/*/meta/argument_specs.yml: %s' % sorted(
        undeclared - PENDING_ROLE_VARIABLES)
    stale = PENDING_ROLE_VARIABLES & set(options)
    assert stale == set(), 'declared now: remove %s from PENDING_ROLE_VARIABLES' % sorted(stale)
    for variable, template in INJECTED.items():
        field = re.fullmatch(r'\{\{ (\w+) \}\}', template)
        assert field and field.group(1) in fields, '%s: %s is not one field' % (variable, template)
        if variable in options:
            assert bool(fields[field.group(1)].get('secret')) == bool(options[variable].get('no_log')), variable


def test_job_templates_name_known_credentials_and_the_accounts_where_their_roles_need_them():
    roles_needing_accounts = {variable.split('_')[0] + '_' + variable.split('_')[1] for variable in INJECTED}
    assert roles_needing_accounts == {'cluster_prereqs', 'openstack_compute'}
    for template in existing(JOB_TEMPLATES):
        assert 'machine' in template['credentials'] and set(template['credentials']) <= {'machine', 'accounts'}
        roles = {role for path in imported(template['playbook']) for role in ROLE.findall(playbook_text(path))}
        needs = bool(roles & roles_needing_accounts)
        assert ('accounts' in template['credentials']) == needs, '%s runs roles %s' % (template['name'], roles)


def test_the_site_workflow_syncs_then_runs_the_steps_of_site_yml_in_order_then_reports():
    nodes = {node['identifier']: node for node in OBJECTS['hyperv_awx_workflow']['workflow_nodes']}
    by_name = {template['name']: template['playbook'] for template in JOB_TEMPLATES}
    first = OBJECTS['hyperv_awx_workflow']['workflow_nodes'][0]
    assert first['unified_job_template']['type'] == 'project'
    chain, node = [], first
    while node['related'].get('success_nodes'):
        [following] = node['related']['success_nodes']
        node = nodes[following['identifier']]
        chain.append(by_name[node['unified_job_template']['name']])
    [report] = node['related']['always_nodes']
    assert by_name[nodes[report['identifier']]['unified_job_template']['name']] == 'playbooks/cluster_report.yml'
    assert len(chain) + 2 == len(nodes)
    if os.path.exists(os.path.join(PLAYBOOKS, 'site.yml')):
        steps = ['playbooks/' + name for name in IMPORT.findall(playbook_text('playbooks/site.yml'))]
        assert chain == steps
    else:
        assert chain == ['playbooks/cluster_prereqs.yml', 'playbooks/failover_cluster.yml',
                         'playbooks/openstack_compute.yml']
