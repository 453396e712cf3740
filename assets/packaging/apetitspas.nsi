; À petits pas — Windows installer (NSIS 3, 64-bit, French interface).
; Built by `make package-windows`; compiled with warnings treated as errors.
; Defines given by the Makefile: VERSION, BUILD, DISTDIR (folder holding
; apetitspas.exe, apetitspas-admin.exe and apetitspas.ico), OUTFILE.

Unicode true
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel admin
SetCompressor /SOLID lzma

!include "MUI2.nsh"
!include "x64.nsh"

!define APPNAME "À petits pas"
!define PUBLISHER "À petits pas"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\ApetitsPas"

Name "${APPNAME}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\ApetitsPas"
InstallDirRegKey HKLM "${UNINSTKEY}" "InstallLocation"
BrandingText "${APPNAME} ${VERSION}"

VIProductVersion "${VERSION}.${BUILD}"
VIAddVersionKey /LANG=1036 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=1036 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1036 "FileDescription" "Installation de ${APPNAME}"
VIAddVersionKey /LANG=1036 "FileVersion" "${VERSION}.${BUILD}"
VIAddVersionKey /LANG=1036 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1036 "LegalCopyright" "© ${PUBLISHER}"

!define MUI_ICON "${DISTDIR}\apetitspas.ico"
!define MUI_UNICON "${DISTDIR}\apetitspas.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\apetitspas.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Ouvrir ${APPNAME}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!define MUI_UNCONFIRMPAGE_TEXT_TOP "Les comptes et les données de votre service de garde ne seront pas supprimés : ils sont conservés dans le dossier ProgramData\ApetitsPas de cet ordinateur (et, pour une ancienne installation, dans le profil de chaque utilisateur Windows, AppData\Roaming\apetitspas). Une réinstallation les retrouvera."
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "French"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "${APPNAME} demande une version 64 bits de Windows."
    Abort
  ${EndIf}
  SetRegView 64
FunctionEnd

Function un.onInit
  SetRegView 64
FunctionEnd

Section "${APPNAME} (obligatoire)" SecApp
  SectionIn RO
  SetShellVarContext all
  SetOutPath "$INSTDIR"
  File "${DISTDIR}\apetitspas.exe"
  File "${DISTDIR}\apetitspas-admin.exe"
  File "${DISTDIR}\apetitspas.ico"
  WriteUninstaller "$INSTDIR\desinstaller.exe"

  CreateDirectory "$SMPROGRAMS\${APPNAME}"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk" "$INSTDIR\apetitspas.exe" "" "$INSTDIR\apetitspas.ico"

  ; The daycare's data, for every Windows account of this PC:
  ; %ProgramData%\ApetitsPas (config.toml: SYSTEM and Administrators
  ; change it, Users read it), data\ (Users modify: the database, its -wal
  ; and -shm) and keys\ (the key, protected by DPAPI's machine scope; Users
  ; read it and may add a key file, never change nor delete one: OWNER
  ; RIGHTS leaves the creator of a file nothing more than reading it).
  ; Well-known SIDs, whatever the language of Windows. Never deleted.
  CreateDirectory "$APPDATA\ApetitsPas\data"
  CreateDirectory "$APPDATA\ApetitsPas\keys"
  nsExec::ExecToLog 'icacls "$APPDATA\ApetitsPas" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F /grant:r *S-1-5-32-544:(OI)(CI)F /grant:r *S-1-5-32-545:(OI)(CI)RX'
  Pop $0
  DetailPrint "icacls ApetitsPas : $0"
  nsExec::ExecToLog 'icacls "$APPDATA\ApetitsPas\data" /grant *S-1-5-32-545:(OI)(CI)M'
  Pop $0
  DetailPrint "icacls data : $0"
  nsExec::ExecToLog 'icacls "$APPDATA\ApetitsPas\keys" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F /grant:r *S-1-5-32-544:(OI)(CI)F /grant:r *S-1-5-32-545:(OI)(CI)RX /grant:r *S-1-3-4:(OI)(CI)RX'
  Pop $0
  DetailPrint "icacls keys : $0"
  nsExec::ExecToLog 'icacls "$APPDATA\ApetitsPas\keys" /grant *S-1-5-32-545:(WD)'
  Pop $0
  DetailPrint "icacls keys (ajout d'une clé) : $0"
  ; config.toml, if absent (a technician's own configuration is kept):
  ; written by the technician's tool, which also makes the key.
  ${IfNot} ${FileExists} "$APPDATA\ApetitsPas\config.toml"
    nsExec::ExecToLog '"$INSTDIR\apetitspas-admin.exe" --db "$APPDATA\ApetitsPas\data\apetitspas.db" configure --key-dir "$APPDATA\ApetitsPas\keys"'
    Pop $0
    ${If} $0 != 0
      ; Without the tool, the same file by hand (the key is made at first start).
      FileOpen $1 "$APPDATA\ApetitsPas\config.toml" w
      FileWrite $1 "# À petits pas : où sont les données de la garderie, pour tous les comptes de cet ordinateur.$\r$\n"
      FileWrite $1 "db = '$APPDATA\ApetitsPas\data\apetitspas.db'$\r$\n"
      FileWrite $1 "key_dir = '$APPDATA\ApetitsPas\keys'$\r$\n"
      FileClose $1
      DetailPrint "configure : $0, config.toml écrit par l'installateur"
    ${EndIf}
  ${EndIf}

  WriteRegStr HKLM "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTKEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\apetitspas.ico"
  WriteRegStr HKLM "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTKEY}" "UninstallString" '"$INSTDIR\desinstaller.exe"'
  WriteRegStr HKLM "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\desinstaller.exe" /S'
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoRepair" 1
  WriteRegDWORD HKLM "${UNINSTKEY}" "EstimatedSize" 30000
SectionEnd

Section "Raccourci sur le bureau" SecDesktop
  SetShellVarContext all
  CreateShortcut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\apetitspas.exe" "" "$INSTDIR\apetitspas.ico"
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecApp} "L'application et l'outil du technicien (apetitspas-admin.exe)."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "Une icône ${APPNAME} sur le bureau de tous les utilisateurs."
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Section "Uninstall"
  SetShellVarContext all
  Delete "$INSTDIR\apetitspas.exe"
  Delete "$INSTDIR\apetitspas-admin.exe"
  Delete "$INSTDIR\apetitspas.ico"
  Delete "$INSTDIR\desinstaller.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk"
  RMDir "$SMPROGRAMS\${APPNAME}"
  Delete "$DESKTOP\${APPNAME}.lnk"
  DeleteRegKey HKLM "${UNINSTKEY}"
  ; The daycare's data (%ProgramData%\ApetitsPas, and the older per-user
  ; AppData\Roaming\apetitspas) are deliberately kept.
  IfSilent +2
    MessageBox MB_OK|MB_ICONINFORMATION "${APPNAME} a été désinstallé. Les données du service de garde (dossier ProgramData\ApetitsPas) ont été conservées."
SectionEnd
