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

!define MUI_UNCONFIRMPAGE_TEXT_TOP "Les comptes et les données de votre service de garde ne seront pas supprimés : ils sont conservés dans le profil de chaque utilisateur Windows (dossier AppData\Roaming\apetitspas). Une réinstallation les retrouvera."
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
  ; The users' databases (AppData\Roaming\apetitspas) are deliberately kept.
  IfSilent +2
    MessageBox MB_OK|MB_ICONINFORMATION "${APPNAME} a été désinstallé. Les données des utilisateurs (dossier AppData\Roaming\apetitspas de chaque profil) ont été conservées."
SectionEnd
