package api

// JSON bodies shaped after mde-api.md §6 (written by hand, not from the structs).

const machineJSON = `{
  "id": "7b1f4967d9728e5aa3c06a9e617a22a4a5a17378",
  "computerDnsName": "fin-ws-0142.corp.contoso.com",
  "firstSeen": "2024-02-11T08:14:22.1832213Z",
  "lastSeen": "2025-11-03T06:51:09.4410000Z",
  "osPlatform": "Windows11",
  "osVersion": null,
  "osProcessor": "x64",
  "version": "23H2",
  "osBuild": 22631,
  "osArchitecture": "64-bit",
  "lastIpAddress": "10.20.14.77",
  "lastExternalIpAddress": "203.0.113.45",
  "agentVersion": "10.8760.22631.4391",
  "healthStatus": "Active",
  "onboardingStatus": "Onboarded",
  "defenderAvStatus": "Updated",
  "deviceValue": "Normal",
  "rbacGroupId": 140,
  "rbacGroupName": "Finance-Workstations",
  "riskScore": "Medium",
  "exposureLevel": "Low",
  "isAadJoined": true,
  "aadDeviceId": "80fe8ff8-2624-418e-9591-41f0491218f9",
  "machineTags": ["finance", "vip"],
  "managedBy": "Intune",
  "managedByStatus": "Success",
  "isPotentialDuplication": false,
  "mergedIntoMachineId": null,
  "isExcluded": false,
  "exclusionReason": null,
  "vmMetadata": null,
  "ipAddresses": [
    {"ipAddress": "10.20.14.77", "macAddress": "00155D3A9C21", "type": "Ethernet", "operationalStatus": "Up"},
    {"ipAddress": "fe80::1c2d:3e4f:5a6b:7c8d", "macAddress": "00155D3A9C21", "type": "Ethernet", "operationalStatus": "Up"}
  ]
}`

const libraryFileJSON = `{
  "fileName": "collect-triage.ps1",
  "sha256": "6e212a0db618507c44e4ec8ee7499dfef7e5767e5f8d31144df3b96fd1145caf",
  "description": "Collects autoruns, event logs and prefetch into a zip",
  "creationTime": "2025-09-02T10:54:23.2009016Z",
  "lastUpdatedTime": "2025-10-18T07:12:40.5517321Z",
  "createdBy": "ir-automation@contoso.com",
  "hasParameters": true,
  "parametersDescription": "-OutPath <path to zip> [-Days <n>]"
}`

// pendingActionJSON is the 201 body of runliveresponse; %s are id, comment, commands.
const pendingActionTmpl = `{
  "@odata.context": "https://api.security.microsoft.com/api/$metadata#MachineActions/$entity",
  "id": %q,
  "type": "LiveResponse",
  "title": null,
  "scope": null,
  "requestor": "3f0c9d55-5d3b-4a0c-9a7c-2b1d5c6e7f80",
  "requestorComment": %q,
  "requestSource": "PublicApi",
  "externalId": null,
  "status": "Pending",
  "machineId": "7b1f4967d9728e5aa3c06a9e617a22a4a5a17378",
  "computerDnsName": "fin-ws-0142",
  "creationDateTimeUtc": %q,
  "lastUpdateDateTimeUtc": "2025-11-03T09:00:01.1234567Z",
  "cancellationRequestor": null,
  "cancellationComment": null,
  "cancellationDateTimeUtc": null,
  "errorHResult": 0,
  "troubleshootInfo": null,
  "relatedFileInfo": null,
  "commands": %s
}`

const threeCommandsJSON = `[
    {"index": 0, "startTime": null, "endTime": null, "commandStatus": "Created", "errors": [],
     "command": {"type": "PutFile", "params": [{"key": "FileName", "value": "winpmem.exe"}]}},
    {"index": 1, "startTime": null, "endTime": null, "commandStatus": "Created", "errors": [],
     "command": {"type": "RunScript", "params": [{"key": "ScriptName", "value": "collect-triage.ps1"},
                                                 {"key": "Args", "value": "-OutPath C:\\Windows\\Temp\\triage.zip"}]}},
    {"index": 2, "startTime": null, "endTime": null, "commandStatus": "Created", "errors": [],
     "command": {"type": "GetFile", "params": [{"key": "Path", "value": "C:\\Windows\\Temp\\triage.zip"}]}}
  ]`

const cancelledActionJSON = `{
  "id": "2e9da30d-27f6-4208-81f2-9cd3d67893ba",
  "type": "LiveResponse",
  "status": "Cancelled",
  "requestorComment": "IR-1234 triage",
  "creationDateTimeUtc": "2025-11-03T09:00:01.1234567Z",
  "cancellationRequestor": "analyst@contoso.com",
  "cancellationComment": "Wrong host selected",
  "cancellationDateTimeUtc": "2025-11-03T09:02:30.0000000Z",
  "lastUpdateDateTimeUtc": "2025-11-03T09:02:30.0000000Z",
  "errorHResult": 0,
  "commands": [
    {"index": 0, "startTime": null, "endTime": null, "commandStatus": "Created", "errors": [], "command": {"type": "RunScript", "params": [{"key": "ScriptName", "value": "collect-triage.ps1"}]}}
  ]
}`

const failedActionJSON = `{
  "id": "f-1",
  "type": "LiveResponse",
  "status": "Failed",
  "errorHResult": -2147024894,
  "troubleshootInfo": "see logs",
  "commands": [
    {"index": 0, "startTime": "2025-11-03T09:01:10Z", "endTime": "2025-11-03T09:01:12Z", "commandStatus": "Completed", "errors": [], "command": {"type": "PutFile", "params": [{"key": "FileName", "value": "winpmem.exe"}]}},
    {"index": 1, "startTime": "2025-11-03T09:01:13Z", "endTime": "2025-11-03T09:11:13Z", "commandStatus": "Failed", "errors": ["Script execution timed out"], "command": {"type": "RunScript", "params": [{"key": "ScriptName", "value": "collect-triage.ps1"}]}},
    {"index": 2, "startTime": null, "endTime": null, "commandStatus": "Created", "errors": [], "command": {"type": "GetFile", "params": [{"key": "Path", "value": "C:\\Windows\\Temp\\triage.zip"}]}}
  ]
}`

const scriptResultJSON = `{
  "script_name": "collect-triage.ps1",
  "exit_code": 0,
  "script_output": "Transcript started, output file is C:\\ProgramData\\Microsoft\\Windows Defender Advanced Threat Protection\\Temp\\PSScriptOutputs\\PSScript_Transcript_{GUID}.txt\nCollected 412 files\nWrote C:\\Windows\\Temp\\triage.zip (38 MB)\n\u0000\u0000",
  "script_errors": ""
}`
