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


def vswitch_not_found(name):
    return CmdletError('Hyper-V was unable to find a virtual switch with name "%s".' % name, 'InvalidParameter',
                       'InvalidArgument', name, HYPERV_EXCEPTION)


def invalid_vm_state(vm_name):
    """A power operation the VM's current state does not allow (Save-VM of a VM that is off)."""
    return CmdletError("The operation cannot be performed while the object is in its current state.", 'InvalidState',
                       'InvalidOperation', vm_name, HYPERV_EXCEPTION)


def not_enough_memory_to_start(vm_name):
    return CmdletError("'%s' failed to start.\nNot enough memory in the system to start the virtual machine %s."
                       % (vm_name, vm_name), 'OutOfMemory', 'ResourceUnavailable', vm_name, HYPERV_EXCEPTION)


# --- migrations (Move-VM; cluster moves use cluster_error with the messages below) -------------------------------

def _at_source(vm_name, source):
    return "Virtual machine migration operation for '%s' failed at migration source '%s'." % (vm_name, source)


def _at_destination(vm_name, destination):
    return "Virtual machine migration operation for '%s' failed at migration destination '%s'." % (
        vm_name, destination)


def clustered_vm_move(vm_name, source):
    return CmdletError("%s The virtual machine is a clustered role; remove it from the cluster or move it with the "
                       "cluster." % _at_source(vm_name, source), 'InvalidOperation', 'InvalidOperation', vm_name,
                       HYPERV_EXCEPTION)


def migration_not_enabled(vm_name, source, host, at_source):
    where = _at_source(vm_name, source) if at_source else _at_destination(vm_name, host)
    return CmdletError("%s Virtual machine migration is not enabled on host '%s'. Enable it with Enable-VMMigration."
                       % (where, host), 'NotEnabled', 'NotEnabled', vm_name, HYPERV_EXCEPTION)


def migration_file_unreachable(vm_name, destination, path):
    return CmdletError("%s The file '%s' is not accessible from the destination host '%s'; it is neither on an SMB "
                       "share nor on a Cluster Shared Volume of the destination's cluster. Move the storage with "
                       "the virtual machine (-IncludeStorage)." % (
                           _at_destination(vm_name, destination), path, destination),
                       'ObjectNotFound', 'ObjectNotFound', path, HYPERV_EXCEPTION)


def migration_not_enough_memory(vm_name, destination):
    return CmdletError("%s Not enough memory in the system to start the virtual machine %s on '%s'."
                       % (_at_destination(vm_name, destination), vm_name, destination), 'OutOfMemory',
                       'ResourceUnavailable', vm_name, HYPERV_EXCEPTION)


def migration_incompatible(vm_name, destination, messages):
    """The VM cannot run on the destination (Compare-VM's incompatibilities, joined)."""
    return CmdletError("%s %s" % (_at_destination(vm_name, destination), ' '.join(messages)), 'InvalidOperation',
                       'InvalidOperation', vm_name, HYPERV_EXCEPTION)


def migration_failed(vm_name, source, destination):
    """The migration itself failed (an armed migration-fail fault); the VM is unchanged on its source."""
    return CmdletError("%s The virtual machine migration to '%s' failed; the virtual machine keeps running on the "
                       "source. (Virtual machine migration failed.)" % (_at_source(vm_name, source), destination),
                       'OperationFailed', 'NotSpecified', vm_name, HYPERV_EXCEPTION)


def migration_timed_out(vm_name, source, seconds):
    return CmdletError("%s The operation timed out after %d seconds; the virtual machine keeps running on the source."
                       % (_at_source(vm_name, source), seconds), 'OperationTimeout', 'OperationTimeout', vm_name,
                       HYPERV_EXCEPTION)


def migration_connection_lost(vm_name, source, host):
    """A host of the migration lost power mid-migration."""
    return CmdletError("%s The connection to '%s' was lost during the migration: the remote procedure call failed."
                       % (_at_source(vm_name, source), host), 'OperationFailed', 'ConnectionError', vm_name,
                       HYPERV_EXCEPTION)


# --- cluster moves and node maintenance (FailoverClusters) --------------------------------------------------------

def role_move_failed(cmdlet, role, node, reason, category='InvalidOperation'):
    """A clustered role that could not move to ``node``; ``reason`` is the inner error's text."""
    return cluster_error(cmdlet, "An error occurred while moving the clustered role '%s' to node '%s'.\n    %s"
                         % (role, node, reason), category, role)


def node_cannot_host_role(cmdlet, role, node, node_state):
    return role_move_failed(cmdlet, role, node, "The cluster node is %s: the node is not in a state to host the "
                            "role." % node_state.lower())


def role_move_in_progress(cmdlet, role):
    # ERROR_CLUSTER_GROUP_MOVING (5908)
    return cluster_error(cmdlet, "An error occurred while moving the clustered role '%s'.\n    The group is unable to "
                         "accept the request since it is moving to another node." % role, 'ResourceBusy', role)


def no_node_for_role(cmdlet, role):
    return cluster_error(cmdlet, "An error occurred while moving the clustered role '%s'.\n    No cluster node is Up "
                         "with enough free memory to host the role." % role, 'ResourceUnavailable', role)


def not_a_vm_role(cmdlet, role):
    return cluster_error(cmdlet, "The clustered role '%s' is not a virtual machine role." % role, 'InvalidArgument',
                         role)


def cluster_node_down(cmdlet, node):
    # ERROR_CLUSTER_NODE_DOWN (5050)
    return cluster_error(cmdlet, "An error occurred on cluster node '%s'.\n    The cluster node is down." % node,
                         'InvalidOperation', node)


def drain_source_lost(cmdlet, node):
    return cluster_error(cmdlet, "An error occurred while draining cluster node '%s'.\n    The node lost power during "
                         "the drain; its roles failed over." % node, 'ConnectionError', node)


def drain_target_not_ready(cmdlet, node, target, target_state):
    return cluster_error(cmdlet, "An error occurred while draining cluster node '%s' to node '%s'.\n    The cluster "
                         "node is %s: the node is not in a state to host the role." % (node, target,
                                                                                       target_state.lower()),
                         'InvalidOperation', target)


def vm_name_ambiguous(name, computer):
    return CmdletError("The operation cannot be performed because more than one virtual machine named '%s' exists on "
                       "'%s'. Specify the virtual machine with -VM." % (name, computer), 'InvalidParameter',
                       'InvalidArgument', name, HYPERV_EXCEPTION)
