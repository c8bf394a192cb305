; Inno Setup script: the Windows installer of Registratura.
;
; Build on Windows after installer\registratura-windows.spec (see installer/README.md):
;   iscc installer\registratura.iss      ->  installer\Output\registratura-setup-0.1.0.exe
; Inno Setup does not run on these Linux machines; this script is untested here.
;
; Installed per user by default (no administrator needed), under
; %LOCALAPPDATA%\Programs\Registratura; an administrator may choose all users. The
; program keeps its data (the embedded PostgreSQL, the log), its config.toml and the
; identity-document key in %LOCALAPPDATA%\registratura\registratura (platformdirs), which
; the uninstaller leaves alone: a clinic's data outlives a reinstall.

#define AppName "Registratura"
#define AppVersion "0.1.0"
#define AppPublisher "Registratura"
#define BundleDir "dist\registratura"

[Setup]
AppId={{6C1E6A52-3F0B-4E55-9B8A-2B8F4C1D7E90}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher={#AppPublisher}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=Output
OutputBaseFilename=registratura-setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\registratura.exe
; The program must not be running while its files are replaced.
CloseApplications=yes

[Languages]
Name: "russian"; MessagesFile: "compiler:Languages\Russian.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\registratura.exe"
Name: "{group}\{#AppName} (English)"; Filename: "{app}\registratura.exe"; Parameters: "--lang en"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\registratura.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\registratura.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
