# hyperv.cluster cmdlet batch runner. This text is a constant: it is sent unchanged by every module of the
# collection. Input arrives only as the JSON document in -BatchJson, which holds cmdlet names and named parameter
# values as data; nothing in it is ever evaluated as PowerShell. The protocol is described in
# plugins/plugin_utils/_batch.py.
[CmdletBinding(SupportsShouldProcess)]
param (
    [Parameter(Mandatory = $true)]
    [string]
    $BatchJson
)

$ErrorActionPreference = 'Stop'
$runnerVersion = 1
# The only CIM classes a 'cim' step may read (namespace root/cimv2). The class name in a step is data compared with
# this list; the name passed to Get-CimInstance is the list's own string.
$readableCimClasses = @('Win32_Processor', 'Win32_OperatingSystem', 'Win32_ComputerSystem')

Function ConvertTo-PlainValue {
    # Turns a .NET value into JSON-friendly data the way PowerShell displays it: enums by name, GUIDs and objects
    # such as ClusterNode by their string form (their Name), collections element by element.
    param ([AllowNull()][object] $Value)

    if ($null -eq $Value) { return $null }
    if ($Value -is [string] -or $Value -is [bool]) { return $Value }
    if ($Value -is [Enum] -or $Value -is [Guid] -or $Value -is [char]) { return $Value.ToString() }
    if ($Value -is [DateTime]) { return $Value.ToUniversalTime().ToString('o') }
    if ($Value -is [TimeSpan]) { return $Value.TotalSeconds }
    if ($Value -is [ValueType]) { return $Value }
    if ($Value -is [System.Collections.IDictionary]) {
        $table = @{}
        foreach ($entry in $Value.GetEnumerator()) { $table[[string]$entry.Key] = ConvertTo-PlainValue $entry.Value }
        return $table
    }
    if ($Value -is [System.Collections.IEnumerable]) {
        $list = [System.Collections.Generic.List[object]]::new()
        foreach ($item in $Value) { $list.Add((ConvertTo-PlainValue $item)) }
        return , $list
    }
    return $Value.ToString()
}

Function Get-PropertyPath {
    # Follows a dotted property path (e.g. 'SharedVolumeInfo.Partition.FreeSpace'), enumerating collections on
    # the way like PowerShell member enumeration does. A missing property yields $null.
    param ([AllowNull()][object] $InputObject, [string[]] $Segments)

    $current = $InputObject
    foreach ($segment in $Segments) {
        if ($null -eq $current) { return $null }
        if ($current -isnot [string] -and $current -isnot [System.Collections.IDictionary] -and
            $current -is [System.Collections.IEnumerable]) {
            $list = [System.Collections.Generic.List[object]]::new()
            foreach ($item in $current) { $list.Add((Get-PropertyPath $item @($segment))) }
            $current = $list
            continue
        }
        if ($current -is [System.Collections.IDictionary]) {
            $current = $current[$segment]
            continue
        }
        $property = $current.PSObject.Properties[$segment]
        $current = if ($property) { $property.Value } else { $null }
    }
    return , $current
}

Function Select-Output {
    param ([object[]] $Objects, [AllowNull()][object[]] $Select)

    $list = [System.Collections.Generic.List[object]]::new()
    foreach ($object in $Objects) {
        if ($null -eq $Select -or $Select.Count -eq 0) {
            $list.Add((ConvertTo-PlainValue $object))
            continue
        }
        $row = @{}
        foreach ($path in $Select) {
            $row[$path] = ConvertTo-PlainValue (Get-PropertyPath $object ($path -split '\.'))
        }
        $list.Add($row)
    }
    return , $list
}

Function ConvertTo-ErrorData {
    param ([System.Management.Automation.ErrorRecord] $Record)

    @{
        message = $Record.Exception.Message
        fully_qualified_error_id = $Record.FullyQualifiedErrorId
        category = $Record.CategoryInfo.Category.ToString()
        target = if ($null -ne $Record.TargetObject) { [string]$Record.TargetObject } else { $null }
        exception_type = $Record.Exception.GetType().FullName
    }
}

Function Resolve-Argument {
    # A parameter value is plain data, or a reference to the raw output of an earlier call in the same batch:
    # {"__ref__": "<call id>"} or {"__ref__": "<call id>", "property": "<name>"}.
    param ([AllowNull()][object] $Value, [hashtable] $RawOutputs)

    if ($Value -is [System.Management.Automation.PSCustomObject]) {
        $refProperty = $Value.PSObject.Properties['__ref__']
        if (-not $refProperty) { throw "Parameter values must be plain data or references; got an object." }
        if (-not $RawOutputs.ContainsKey($refProperty.Value)) { throw "Reference to unknown call '$($refProperty.Value)'." }
        $objects = $RawOutputs[$refProperty.Value]
        $propertyName = $Value.PSObject.Properties['property']
        if ($propertyName) {
            return , @($objects | ForEach-Object { $_.PSObject.Properties[[string]$propertyName.Value].Value })
        }
        return , @($objects)
    }
    if ($Value -is [object[]]) {
        return , @($Value | ForEach-Object { Resolve-Argument $_ $RawOutputs })
    }
    return $Value
}

$batch = ConvertFrom-Json -InputObject $BatchJson
if ($batch.protocol -ne $runnerVersion) {
    throw "hyperv.cluster runner speaks protocol $runnerVersion but the batch uses protocol $($batch.protocol)."
}
if ($batch.mode -notin @('read', 'write')) { throw "Batch mode must be 'read' or 'write'." }
if ($batch.mode -eq 'write' -and $WhatIfPreference) {
    # Defence in depth: modules never send writes in check mode; should one try, nothing is changed.
    throw 'A write batch was sent in check mode; refusing to run it.'
}

$rawOutputs = @{}
$results = [System.Collections.Generic.List[object]]::new()
$stopped = $false

foreach ($step in $batch.calls) {
    $entry = @{ id = $step.id; op = $step.op; status = 'skipped'; output = @(); errors = @(); warnings = @(); elapsed_ms = 0 }
    if ($step.op -eq 'call') { $entry.cmdlet = $step.cmdlet }
    if ($stopped) { $results.Add($entry); continue }

    $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
    $callErrors = [System.Collections.Generic.List[object]]::new()
    $callWarnings = [System.Collections.Generic.List[string]]::new()
    $commandWarnings = $null
    $objects = @()
    try {
        if ($step.op -eq 'call') {
            if ($step.cmdlet -notmatch '^[A-Za-z]+-[A-Za-z0-9]+$') { throw "'$($step.cmdlet)' is not a cmdlet name." }
            $command = Get-Command -Name $step.cmdlet -CommandType Cmdlet, Function -ErrorAction Stop
            $arguments = @{}
            if ($step.parameters) {
                foreach ($property in $step.parameters.PSObject.Properties) {
                    $arguments[$property.Name] = Resolve-Argument $property.Value $rawOutputs
                }
            }
            $arguments['ErrorAction'] = 'SilentlyContinue'
            $arguments['ErrorVariable'] = 'commandErrors'
            # Some cmdlets report their outcome only as warnings (Test-Cluster): they are collected, not displayed.
            $arguments['WarningAction'] = 'SilentlyContinue'
            $arguments['WarningVariable'] = 'commandWarnings'
            $commandErrors = $null
            $objects = @(& $command @arguments)
            foreach ($record in @($commandErrors)) {
                if ($record -is [System.Management.Automation.ErrorRecord]) { $callErrors.Add((ConvertTo-ErrorData $record)) }
            }
        }
        elseif ($step.op -eq 'cim') {
            # Read-only: instances of one allowlisted class of root/cimv2, in read and write batches alike.
            $className = [string]$step.class
            $cimClass = $readableCimClasses | Where-Object { $_ -eq $className }
            if (-not $cimClass) {
                throw "CIM class '$className' is not one the runner reads ($($readableCimClasses -join ', '))."
            }
            $commandErrors = $null
            $objects = @(Get-CimInstance -Namespace 'root/cimv2' -ClassName $cimClass -ErrorAction SilentlyContinue `
                    -ErrorVariable commandErrors -WarningAction SilentlyContinue -WarningVariable commandWarnings)
            foreach ($record in @($commandErrors)) {
                if ($record -is [System.Management.Automation.ErrorRecord]) { $callErrors.Add((ConvertTo-ErrorData $record)) }
            }
        }
        elseif ($step.op -eq 'set') {
            if ($batch.mode -ne 'write') { throw 'Property assignments belong in a write batch.' }
            # Assigns properties of objects returned by an earlier call (e.g. ClusterGroup.Priority); for cluster
            # objects the property setter commits the change.
            if (-not $rawOutputs.ContainsKey($step.target)) { throw "Reference to unknown call '$($step.target)'." }
            foreach ($object in $rawOutputs[$step.target]) {
                foreach ($property in $step.properties.PSObject.Properties) {
                    $object.($property.Name) = $property.Value
                }
            }
            $objects = @($rawOutputs[$step.target])
        }
        else {
            throw "Unknown operation '$($step.op)'."
        }
    }
    catch {
        $callErrors.Add((ConvertTo-ErrorData $_))
    }
    $stopwatch.Stop()
    # Warnings written before a terminating error are kept as well.
    foreach ($record in @($commandWarnings)) {
        if ($record -is [System.Management.Automation.WarningRecord]) { $callWarnings.Add($record.Message) }
    }

    $rawOutputs[[string]$step.id] = $objects
    $entry.status = if ($callErrors.Count) { 'error' } else { 'ok' }
    $entry.output = Select-Output $objects $step.select
    $entry.errors = $callErrors
    $entry.warnings = $callWarnings
    $entry.elapsed_ms = [int]$stopwatch.ElapsedMilliseconds
    $results.Add($entry)
    if ($callErrors.Count -and $batch.mode -eq 'write') { $stopped = $true }
}

$Ansible.Result = @{
    protocol = $runnerVersion
    computer_name = $env:COMPUTERNAME
    calls = $results
}
$Ansible.Changed = $false
