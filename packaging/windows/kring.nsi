; Kring's Windows installer, for one person on one laptop: no admin rights needed.
;
; Built by scripts/package.sh (makensis runs on Linux):
;   makensis -DVERSION=0.1.0 -DSTAGE=<folder with kring.exe and kringw.exe> -DOUTFILE=<setup.exe> kring.nsi
;
; Installs into %LOCALAPPDATA%\Programs\Kring, adds "Kring" to the Start menu, and registers
; the uninstaller under HKEY_CURRENT_USER (Settings > Apps). Kring keeps its data in
; %APPDATA%\Kring\Kring\data; neither installing nor uninstalling touches it.
;
; kringw.exe is kring.exe marked as a windowed program (no black console window): the Start
; menu opens that one. kring.exe is the command-line tool (`kring.exe show`, ...).

; 64-bit, like kring.exe itself (Windows 10 and 11 on x64; ARM laptops run it emulated).
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma
; The two programs are the same file but for one byte: with a dictionary larger than one of
; them (51 MB stripped today), the second costs next to nothing in the installer.
SetCompressorDictSize 128

!ifndef VERSION
  !error "pass -DVERSION=x.y.z"
!endif
!ifndef STAGE
  !error "pass -DSTAGE=folder holding kring.exe and kringw.exe"
!endif
!ifndef OUTFILE
  !define OUTFILE "Kring-${VERSION}-setup.exe"
!endif
!ifndef ICON
  !define ICON "..\icons\kring.ico"
!endif

!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Kring"

Name "Kring"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\Kring"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "Kring ${VERSION}"

!include "MUI2.nsh"
!include "FileFunc.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\kringw.exe"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the default; Windows in English gets English.
!insertmacro MUI_LANGUAGE "Dutch"
!insertmacro MUI_LANGUAGE "English"

; The installer's own Properties > Details.
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_DUTCH} "ProductName" "Kring"
VIAddVersionKey /LANG=${LANG_DUTCH} "FileDescription" "Kring installeren"
VIAddVersionKey /LANG=${LANG_DUTCH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_DUTCH} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_DUTCH} "LegalCopyright" "EUPL-1.2"

Section "Kring"
  SetOutPath "$INSTDIR"
  File "${STAGE}/kring.exe"
  File "${STAGE}/kringw.exe"
  File "/oname=kring.ico" "${ICON}"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; The current user's Start menu (no admin rights needed).
  SetShellVarContext current
  CreateShortCut "$SMPROGRAMS\Kring.lnk" "$INSTDIR\kringw.exe" "" "$INSTDIR\kring.ico" 0 SW_SHOWNORMAL "" "Kring"

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "Kring"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\kring.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "Kring"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$SMPROGRAMS\Kring.lnk"
  Delete "$INSTDIR\kring.exe"
  Delete "$INSTDIR\kringw.exe"
  Delete "$INSTDIR\kring.ico"
  Delete "$INSTDIR\uninstall.exe"
  ; Only if empty: never removes anything the person put there. The data folder
  ; (%APPDATA%\Kring) is elsewhere and stays: it holds the device key and every network.
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
SectionEnd
