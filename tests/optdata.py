"""Load an oslo.config file with the types of an option-data file (``oslo-config-generator --format yaml``).

oslo-config-validator checks that every option in a file exists; it does not convert the values. ``load_typed``
registers each option of the option data in an oslo.config ``ConfigOpts`` with the type, bounds and choices the data
gives, parses the file, and reads every option the file sets, so that a value oslo.config would refuse at service
start (``max_failover_count = one``) raises here.
"""

import configparser

import yaml
from oslo_config import cfg, types


def _choices(option):
    choices = option.get('choices') or []
    return [choice[0] if isinstance(choice, (list, tuple)) else choice for choice in choices] or None


def _opt(option):
    name, kind = option['name'], option['type']
    bounds = {key: option[key] for key in ('min', 'max') if option.get(key) is not None}
    choices = _choices(option)
    if kind == 'integer value':
        type_ = types.Integer(choices=choices, **bounds)
    elif kind == 'floating point value':
        type_ = types.Float(**bounds)
    elif kind == 'boolean value':
        type_ = types.Boolean()
    elif kind == 'port value':
        type_ = types.Port(choices=choices)
    elif kind == 'list value':
        type_ = types.List()
    elif kind == 'dict value':
        type_ = types.Dict()
    elif kind == 'uri value':
        type_ = types.URI()
    elif kind == 'host address value':
        type_ = types.HostAddress()
    elif kind == 'host domain value':
        type_ = types.HostDomain()
    elif kind == 'multi valued':
        return cfg.MultiStrOpt(name)
    else:
        type_ = types.String(choices=choices)
    return cfg.Opt(name, type=type_)


def load_typed(optdata_path, conf_path):
    """{(group, option): value} for every option ``conf_path`` sets, typed as ``optdata_path`` says.

    Raises ValueError naming ``group/option`` for a value of the wrong type.
    """
    with open(optdata_path, encoding='utf-8') as handle:
        data = yaml.safe_load(handle)
    conf = cfg.ConfigOpts()
    known = {}
    for group, entry in data['options'].items():
        opts = [_opt(option) for option in entry['opts']]
        conf.register_opts(opts, group=None if group == 'DEFAULT' else group)
        known[group.lower() if group != 'DEFAULT' else group] = {option['name'] for option in entry['opts']}
    conf(args=['--config-file', conf_path], project='hyperv-cluster-test', default_config_files=[],
         default_config_dirs=[])
    parser = configparser.RawConfigParser()
    parser.read(conf_path, encoding='utf-8')
    values = {}
    for section in ['DEFAULT'] + parser.sections():
        names = parser.defaults() if section == 'DEFAULT' else {
            key: value for key, value in parser.items(section) if key not in parser.defaults()}
        for name in names:
            if name not in known.get(section, ()):
                continue        # oslo-config-validator reports unknown options
            try:
                values[(section, name)] = getattr(conf if section == 'DEFAULT' else getattr(conf, section), name)
            except (cfg.ConfigFileValueError, ValueError) as error:
                raise ValueError('%s/%s: %s' % (section, name, error)) from error
    return values
