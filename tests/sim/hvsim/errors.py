"""Windows error records, as PowerShell reports them.

A cmdlet implementation raises ``CmdletError`` for a terminating error or passes one to ``Context.write_error`` for a
non-terminating one. Messages, error ids and categories are the ones Windows gives (Microsoft docs, and transcripts
users posted where the docs are silent); the product reacts to them exactly as it would on a real host.
"""

# Full type names of the cmdlet classes, used in FullyQualifiedErrorId ("<ErrorId>,<CommandType>").
COMMAND_TYPES = {
    'FailoverClusters': 'Microsoft.FailoverClusters.PowerShell.%sCommand',
    'Hyper-V': 'Microsoft.HyperV.PowerShell.Commands.%s',
}


def command_type(cmdlet, module):
    noun_verb = cmdlet.replace('-', '')
    pattern = COMMAND_TYPES.get(module, 'Microsoft.PowerShell.Commands.%sCommand')
    return pattern % noun_verb


class CmdletError(Exception):
    """One ErrorRecord. ``error_id`` is the part of FullyQualifiedErrorId before the command type."""

    def __init__(self, message, error_id, category, target=None, exception_type='System.Exception',
                 fully_qualified_error_id=None):
        super().__init__(message)
        self.message = message
        self.error_id = error_id
        self.category = category
        self.target = target
        self.exception_type = exception_type
        # Set for errors that do not come from the cmdlet of the step (the runner script's own throws, Get-Command).
        self.fully_qualified_error_id = fully_qualified_error_id

    def record(self, cmdlet, module):
        # Errors raised by a cmdlet carry its command type; the script's own (a property assignment) do not.
        fqeid = self.fully_qualified_error_id or (
            '%s,%s' % (self.error_id, command_type(cmdlet, module)) if cmdlet else self.error_id)
        return {
            'message': self.message,
            'fully_qualified_error_id': fqeid,
            'category': self.category,
            'target': None if self.target is None else str(self.target),
            'exception_type': self.exception_type,
        }


CLUSTER_EXCEPTION = 'Microsoft.FailoverClusters.PowerShell.ClusterCmdletException'
HYPERV_EXCEPTION = 'Microsoft.HyperV.PowerShell.VirtualizationException'


# --- parameter binding (System.Management.Automation) -------------------------------------------------------------

def parameter_not_found(name):
    return CmdletError("A parameter cannot be found that matches parameter name '%s'." % name,
                       'NamedParameterNotFound', 'InvalidArgument', None,
                       'System.Management.Automation.ParameterBindingException')


def ambiguous_parameter_set():
    return CmdletError('Parameter set cannot be resolved using the specified named parameters.',
                       'AmbiguousParameterSet', 'InvalidArgument', None,
                       'System.Management.Automation.ParameterBindingException')


def missing_mandatory(names):
    return CmdletError('Cannot process command because of one or more missing mandatory parameters: %s.'
                       % ' '.join(names), 'MissingMandatoryParameter', 'InvalidArgument', None,
                       'System.Management.Automation.ParameterBindingException')


def not_in_enum(name, value, type_name, accepted):
    """A value that is no name of the parameter's enum type (the binder's conversion to the enum fails)."""
    return CmdletError("Cannot bind parameter '%s'. Cannot convert value \"%s\" to type \"%s\". Error: \"Unable to "
                       "match the identifier name %s to a valid enumerator name. Specify one of the following "
                       "enumerator names and try again: %s\"" % (name, value, type_name, value, ', '.join(accepted)),
                       'CannotConvertArgumentNoMessage', 'InvalidArgument', None,
                       'System.Management.Automation.ParameterBindingException')


def not_in_validate_set(name, value, accepted):
    """A value outside the [ValidateSet()] of a String (or numeric) parameter."""
    return CmdletError("Cannot validate argument on parameter '%s'. The argument \"%s\" does not belong to the set "
                       "\"%s\" specified by the ValidateSet attribute. Supply an argument that is in the set and then "
                       "try the command again." % (name, value, ','.join(accepted)),
                       'ParameterArgumentValidationError', 'InvalidData', None,
                       'System.Management.Automation.ParameterBindingValidationException')


def cannot_convert(name, value, type_name):
    return CmdletError("Cannot bind parameter '%s'. Cannot convert value \"%s\" to type \"%s\"."
                       % (name, value, type_name), 'CannotConvertArgumentNoMessage', 'InvalidArgument', None,
                       'System.Management.Automation.ParameterBindingException')


def command_not_found(cmdlet):
    # runner.ps1 resolves the name with `Get-Command -Name <cmdlet> -ErrorAction Stop`: the record is Get-Command's.
    return CmdletError("The term '%s' is not recognized as the name of a cmdlet, function, script file, or operable "
                       "program. Check the spelling of the name, or if a path was included, verify that the path is "
                       "correct and try again." % cmdlet, 'CommandNotFoundException', 'ObjectNotFound', cmdlet,
                       'System.Management.Automation.CommandNotFoundException',
                       'CommandNotFoundException,Microsoft.PowerShell.Commands.GetCommandCommand')


def script_error(message):
    """What `throw "<message>"` in a script gives: a RuntimeException whose error id and target are the text."""
    return CmdletError(message, message, 'OperationStopped', message,
                       'System.Management.Automation.RuntimeException', message)


def read_only_property(name):
    return CmdletError("'%s' is a ReadOnly property." % name, 'PropertyAssignmentException', 'InvalidOperation',
                       None, 'System.Management.Automation.RuntimeException')


def exception_when_setting(name, error):
    """A property setter that throws: PowerShell wraps its exception in a SetValueInvocationException."""
    return CmdletError('Exception setting "%s": "%s"' % (name, error.message), 'ExceptionWhenSetting',
                       'NotSpecified', None, 'System.Management.Automation.SetValueInvocationException')


# --- FailoverClusters ---------------------------------------------------------------------------------------------

def cluster_service_not_running(cmdlet):
    return CmdletError('The cluster service is not running.  Make sure that the service is running on all nodes in '
                       'the cluster.', 'ClusterRpcConnection', 'ConnectionError', None, CLUSTER_EXCEPTION)


def cluster_not_found(name):
    return CmdletError("Check the spelling of the cluster name. Otherwise, there might be a problem with your "
                       "network. Make sure the cluster nodes are turned on and connected to the network or contact "
                       "your network administrator.\n    The RPC server is unavailable", 'ClusterRpcConnection',
                       'ConnectionError', name, CLUSTER_EXCEPTION)


def cluster_object_not_found(cmdlet, kind, name):
    # e.g. "An error occurred opening cluster group 'vm1'. The cluster group could not be found"
    return CmdletError("An error occurred opening cluster %s '%s'.\n    The cluster %s could not be found"
                       % (kind, name, kind), cmdlet, 'ObjectNotFound', name, CLUSTER_EXCEPTION)


def cluster_error(cmdlet, message, category='InvalidOperation', target=None):
    return CmdletError(message, cmdlet, category, target, CLUSTER_EXCEPTION)


# --- Hyper-V ------------------------------------------------------------------------------------------------------

def vm_not_found(name):
    return CmdletError('Hyper-V was unable to find a virtual machine with name "%s".' % name, 'InvalidParameter',
                       'InvalidArgument', name, HYPERV_EXCEPTION)


def vm_id_not_found(vm_id):
    return CmdletError('Hyper-V was unable to find a virtual machine with id "%s".' % vm_id, 'InvalidParameter',
                       'InvalidArgument', vm_id, HYPERV_EXCEPTION)


def computer_unreachable(computer):
    return CmdletError("Hyper-V encountered an error trying to access an object on computer '%s' because the object "
                       "was not found. The object might have been deleted. Verify that the Virtual Machine "
                       "Management service on the computer is running." % computer, 'ObjectNotFound',
                       'ObjectNotFound', computer, HYPERV_EXCEPTION)
