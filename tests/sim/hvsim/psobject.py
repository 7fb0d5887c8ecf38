"""Objects as PowerShell shows them: named enum values, objects that stringify to their name, property setters."""

from hvsim.errors import CmdletError, exception_when_setting, read_only_property


class PSObject:
    """A .NET object: typed properties, a ToString() form, and optionally settable properties.

    ``setters`` maps a property name to a callable(value) that validates and commits the change (cluster objects
    commit on assignment); every other property is read-only.
    """

    def __init__(self, type_name, properties, text=None, setters=None):
        self.type_name = type_name
        self.properties = dict(properties)
        self._text = text
        self._setters = dict(setters or {})

    def get(self, name):
        for key, value in self.properties.items():
            if key.lower() == name.lower():
                return value
        return None

    def has(self, name):
        return any(key.lower() == name.lower() for key in self.properties)

    def set(self, name, value):
        for key in self._setters:
            if key.lower() == name.lower():
                try:
                    self._setters[key](value)
                except CmdletError as error:
                    raise exception_when_setting(name, error) from error
                self.properties[key] = value
                return
        raise read_only_property(name)

    def __str__(self):
        if self._text is not None:
            return self._text
        name = self.get('Name')
        return str(name) if name is not None else self.type_name


def to_plain(value):
    """The runner's ConvertTo-PlainValue: enums and objects by their string form, collections item by item."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, dict):
        return {str(key): to_plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(item) for item in value]
    return str(value)


def property_path(obj, segments):
    """The runner's Get-PropertyPath: dotted access with member enumeration over collections."""
    current = obj
    for segment in segments:
        if current is None:
            return None
        if isinstance(current, (list, tuple)):
            current = [property_path(item, [segment]) for item in current]
        elif isinstance(current, dict):
            current = current.get(segment)
        elif isinstance(current, PSObject):
            current = current.get(segment)
        else:
            current = None
    return current
