; À petits pas — Windows installer (NSIS 3, 64-bit, French interface).
; Built by `make package-windows`; compiled with warnings treated as errors.
; Defines given by the Makefile: VERSION, BUILD, DISTDIR (folder holding
; apetitspas.exe, apetitspas-admin.exe, apetitspas-service.exe and
; apetitspas.ico), OUTFILE.

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

!define MUI_UNCONFIRMPAGE_TEXT_TOP "Le service d'À petits pas sera arrêté et retiré. Les comptes et les données de votre service de garde ne seront pas supprimés : ils sont conservés dans le dossier ProgramData\ApetitsPas\service de cet ordinateur (et, pour une ancienne installation, dans le profil de chaque utilisateur Windows, AppData\Roaming\apetitspas). Une réinstallation les retrouvera."
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

; The service's program, deleted once its process has gone: the manager
; says "stopped" a moment before the process ends (10 s at most).
!macro DeleteServiceProgram UN
Function ${UN}DeleteServiceProgram
  StrCpy $1 0
  ${Do}
    Delete "$INSTDIR\apetitspas-service.exe"
    ${IfNot} ${FileExists} "$INSTDIR\apetitspas-service.exe"
    ${OrIf} $1 >= 20
      ${Break}
    ${EndIf}
    IntOp $1 $1 + 1
    Sleep 500
  ${Loop}
FunctionEnd
!macroend
!insertmacro DeleteServiceProgram ""
!insertmacro DeleteServiceProgram "un."

Function un.onInit
  SetRegView 64
FunctionEnd

Section "${APPNAME} (obligatoire)" SecApp
  SectionIn RO
  SetShellVarContext all
  ; An update: the running service holds its program's file. The new
  ; program stops it first (nothing to do on a first install).
  InitPluginsDir
  SetOutPath "$PLUGINSDIR"
  File "${DISTDIR}\apetitspas-service.exe"
  nsExec::ExecToLog '"$PLUGINSDIR\apetitspas-service.exe" stop'
  Pop $0
  DetailPrint "apetitspas-service stop : $0"
  Call DeleteServiceProgram

  SetOutPath "$INSTDIR"
  File "${DISTDIR}\apetitspas.exe"
  File "${DISTDIR}\apetitspas-admin.exe"
  File "${DISTDIR}\apetitspas-service.exe"
  File "${DISTDIR}\apetitspas.ico"
  WriteUninstaller "$INSTDIR\desinstaller.exe"

  CreateDirectory "$SMPROGRAMS\${APPNAME}"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk" "$INSTDIR\apetitspas.exe" "" "$INSTDIR\apetitspas.ico"

  ; %ProgramData%\ApetitsPas holds config.toml, which every Windows
  ; account reads to find the service: SYSTEM and Administrators change
  ; it, Users read it. Well-known SIDs, whatever the language of Windows.
  CreateDirectory "$APPDATA\ApetitsPas"
  nsExec::ExecToLog 'icacls "$APPDATA\ApetitsPas" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F /grant:r *S-1-5-32-544:(OI)(CI)F /grant:r *S-1-5-32-545:(OI)(CI)RX'
  Pop $0
  DetailPrint "icacls ApetitsPas : $0"

  ; The computer's service (apetitspas-service install, in Go with
  ; golang.org/x/sys/windows/svc/mgr rather than sc.exe: see
  ; cmd/apetitspas-service/install_windows.go): its folder
  ; ProgramData\ApetitsPas\service with a protected DACL (NT
  ; SERVICE\ApetitsPas, SYSTEM, Administrators), the machine-wide daycare
  ; of an older installation adopted into it (data\ and keys\ then closed
  ; to the staff), config.toml's line service = 'pipe:ApetitsPas', the
  ; service registered under its virtual account NT SERVICE\ApetitsPas,
  ; automatic start, and started. Run again by an update: everything is
  ; found where it was.
  nsExec::ExecToLog '"$INSTDIR\apetitspas-service.exe" install'
  Pop $0
  DetailPrint "apetitspas-service install : $0"
  ${If} $0 != 0
    MessageBox MB_OK|MB_ICONSTOP "Le service d'${APPNAME} n'a pas pu être installé (code $0) : voyez les détails de l'installation. Relancez l'installateur une fois le problème réglé." /SD IDOK
    SetErrorLevel 2
    Abort
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
  !insertmacro MUI_DESCRIPTION_TEXT ${SecApp} "L'application, l'outil du technicien (apetitspas-admin.exe) et le service de l'ordinateur, seul à ouvrir les données de la garderie."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "Une icône ${APPNAME} sur le bureau de tous les utilisateurs."
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Section "Uninstall"
  SetShellVarContext all
  ; The service stopped and removed from the Service Control Manager; its
  ; data (ProgramData\ApetitsPas\service) and config.toml are kept.
  nsExec::ExecToLog '"$INSTDIR\apetitspas-service.exe" uninstall'
  Pop $0
  DetailPrint "apetitspas-service uninstall : $0"
  Call un.DeleteServiceProgram
  Delete "$INSTDIR\apetitspas.exe"
  Delete "$INSTDIR\apetitspas-admin.exe"
  Delete "$INSTDIR\apetitspas.ico"
  Delete "$INSTDIR\desinstaller.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk"
  RMDir "$SMPROGRAMS\${APPNAME}"
  Delete "$DESKTOP\${APPNAME}.lnk"
  DeleteRegKey HKLM "${UNINSTKEY}"
  ; The daycare's data (%ProgramData%\ApetitsPas\service, and the older per-user
  ; AppData\Roaming\apetitspas) are deliberately kept.
  IfSilent +2
    MessageBox MB_OK|MB_ICONINFORMATION "${APPNAME} a été désinstallé et son service retiré. Les données du service de garde (dossier ProgramData\ApetitsPas\service) ont été conservées."
SectionEnd
