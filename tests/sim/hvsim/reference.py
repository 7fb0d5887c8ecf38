"""Binds a cmdlet call against Microsoft's cmdlet reference, the way PowerShell's parameter binder does.

``data/cmdlets.json`` is the part of the reference the simulator implements (``scripts/update-cmdlet-reference``
copies it from the full reference). Unknown parameters, parameters from different sets, missing mandatory
parameters and values outside an enum fail with the errors PowerShell gives.
"""

import json
import os
import re
import uuid

from hvsim import errors

_DATA = os.path.join(os.path.dirname(__file__), 'data', 'cmdlets.json')
_REFERENCE = None

_INTEGER_TYPES = {'Int16', 'Int32', 'Int64', 'UInt16', 'UInt32', 'UInt64', 'Byte'}
# Types whose accepted values come from a [ValidateSet()] attribute; any other type with accepted values is an enum.
_VALIDATE_SET_TYPES = _INTEGER_TYPES | {'String'}


def _element_type(type_name):
    return type_name[:-2] if type_name.endswith('[]') else type_name


def reference():
    global _REFERENCE  # pylint: disable=global-statement
    if _REFERENCE is None:
        with open(_DATA, encoding='utf-8') as handle:
            _REFERENCE = json.load(handle)['cmdlets']
    return _REFERENCE


def module_of(cmdlet):
    entry = reference().get(cmdlet)
    return entry['module'] if entry else None


def _canonical_name(spec, given):
    for name, details in spec['parameters'].items():
        if given.lower() == name.lower() or given.lower() in (alias.lower() for alias in details.get('aliases', [])):
            return name
    raise errors.parameter_not_found(given)


def _sets_of(details, all_sets):
    sets = details.get('sets') or ['(All)']
    return set(all_sets) if '(All)' in sets else set(sets)


def _coerce(name, details, value):
    type_name = details.get('type', 'Object')
    accepted = details.get('accepted_values')
    if type_name == 'SwitchParameter':
        if not isinstance(value, bool):
            raise errors.cannot_convert(name, value, 'System.Management.Automation.SwitchParameter')
        return value
    if accepted and _element_type(type_name) not in _VALIDATE_SET_TYPES:
        # An enum type: the binder converts the text to the enum value, case-insensitively, so the value that
        # reaches the cmdlet is the canonical name ('live' -> Live).
        values = value if isinstance(value, list) else [value]
        canonical = []
        for item in values:
            match = [choice for choice in accepted if str(item).lower() == choice.lower()]
            if not match:
                raise errors.not_in_enum(name, item, _element_type(type_name), accepted)
            canonical.append(match[0])
        return canonical if isinstance(value, list) else canonical[0]
    if accepted:
        # [ValidateSet()] on a String or number: checked case-insensitively, the value is passed on as given.
        coerced = _coerce(name, {key: item for key, item in details.items() if key != 'accepted_values'}, value)
        for item in coerced if isinstance(coerced, list) else [coerced]:
            if not any(str(item).lower() == str(choice).lower() for choice in accepted):
                raise errors.not_in_validate_set(name, item, accepted)
        return coerced
    if type_name.endswith('[]') or type_name == 'StringCollection':
        items = value if isinstance(value, list) else [value]
        element = type_name[:-2] if type_name.endswith('[]') else 'String'
        return [_coerce(name, dict(details, type=element), item) for item in items]
    if isinstance(value, list) and type_name not in ('PSObject', 'Object', 'Hashtable'):
        if len(value) != 1:
            raise errors.cannot_convert(name, value, 'System.%s' % type_name)
        value = value[0]
    if type_name == 'String':
        if isinstance(value, (dict, list)):
            raise errors.cannot_convert(name, value, 'System.String')
        return value if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)
    if type_name in _INTEGER_TYPES:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise errors.cannot_convert(name, value, 'System.%s' % type_name) from None
        if type_name.startswith('U') and number < 0:
            raise errors.cannot_convert(name, value, 'System.%s' % type_name)
        return number
    if type_name == 'Boolean':
        if not isinstance(value, bool):
            raise errors.cannot_convert(name, value, 'System.Boolean')
        return value
    if type_name == 'Guid':
        try:
            return str(uuid.UUID(str(value)))
        except ValueError:
            raise errors.cannot_convert(name, value, 'System.Guid') from None
    return value


def bind(cmdlet, given):
    """Return ``(parameter_set, {canonical name: value})`` or raise the binder's CmdletError."""
    spec = reference().get(cmdlet)
    if spec is None:
        raise errors.command_not_found(cmdlet)
    all_sets = list(spec['parameter_sets'])
    bound = {}
    for raw_name, value in given.items():
        if not re.match(r'^[A-Za-z][A-Za-z0-9]*$', raw_name):
            raise errors.parameter_not_found(raw_name)
        name = _canonical_name(spec, raw_name)
        bound[name] = _coerce(name, spec['parameters'][name], value)
    candidates = set(all_sets)
    for name in bound:
        candidates &= _sets_of(spec['parameters'][name], all_sets)
    if not candidates:
        raise errors.ambiguous_parameter_set()
    complete = []
    missing_by_set = {}
    for set_name in sorted(candidates):
        missing = [name for name, details in spec['parameters'].items()
                   if (set_name in details.get('required_in', []) or '(All)' in details.get('required_in', []))
                   and name not in bound]
        missing_by_set[set_name] = missing
        if not missing:
            complete.append(set_name)
    if not complete:
        raise errors.missing_mandatory(min(missing_by_set.values(), key=len))
    return complete[0], bound
