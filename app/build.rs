//! On Windows targets only: gives `kring.exe` its icon, its version information (shown under
//! Properties > Details and in the installer's list of programs) and an application manifest.
//! The resource script is written here and compiled with the MinGW resource compiler (`windres`,
//! from Debian's mingw-w64, or the one named by `WINDRES`); other targets build nothing here.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=WINDRES");
    if env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    if env::var("CARGO_CFG_TARGET_ENV").as_deref() != Ok("gnu") {
        println!("cargo:warning=kring.exe gets no icon or version information: only the -gnu Windows target is set up");
        return;
    }
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let icon = manifest_dir.join("../packaging/icons/kring.ico");
    let manifest = manifest_dir.join("../packaging/windows/kring.exe.manifest");
    println!("cargo:rerun-if-changed={}", icon.display());
    println!("cargo:rerun-if-changed={}", manifest.display());

    let rc = out_dir.join("kring.rc");
    fs::write(&rc, resource_script(&icon, &manifest, &env::var("CARGO_PKG_VERSION").unwrap_or_default()))
        .expect("write kring.rc");
    let object = out_dir.join("kring-resources.o");
    let windres = env::var("WINDRES").unwrap_or_else(|_| {
        let target = env::var("TARGET").unwrap_or_default();
        let host = env::var("HOST").unwrap_or_default();
        if target == host { "windres".into() } else { "x86_64-w64-mingw32-windres".into() }
    });
    let status = Command::new(&windres)
        .args(["--input-format=rc", "--output-format=coff", "--codepage=65001"])
        .arg("-i")
        .arg(&rc)
        .arg("-o")
        .arg(&object)
        .status()
        .unwrap_or_else(|err| panic!("cannot run {windres} (install mingw-w64, or set WINDRES): {err}"));
    assert!(status.success(), "{windres} failed on {}", rc.display());
    // An object file on the link line is linked whole (a resource in a static library would be
    // dropped: nothing refers to it). Only the kring binary needs it, not the test binaries.
    println!("cargo:rustc-link-arg-bin=kring={}", object.display());
}

/// `0.1.0` or `0.1.0-beta.2` as the four numbers Windows wants: 0,1,0,0.
fn version_numbers(version: &str) -> String {
    let core = version.split(['-', '+']).next().unwrap_or("");
    let mut numbers: Vec<u16> = core.split('.').map(|part| part.parse().unwrap_or(0)).collect();
    numbers.resize(4, 0);
    numbers.iter().map(u16::to_string).collect::<Vec<_>>().join(",")
}

/// windres reads forward slashes and needs backslashes and quotes escaped.
fn rc_path(path: &Path) -> String {
    path.display().to_string().replace('\\', "/").replace('"', "\"\"")
}

fn resource_script(icon: &Path, manifest: &Path, version: &str) -> String {
    let numbers = version_numbers(version);
    format!(
        r#"#pragma code_page(65001)
1 ICON "{icon}"
1 24 "{manifest}"
1 VERSIONINFO
FILEVERSION {numbers}
PRODUCTVERSION {numbers}
FILEOS 0x40004
FILETYPE 0x1
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "041304B0"
    BEGIN
      VALUE "CompanyName", "Kring"
      VALUE "FileDescription", "Kring"
      VALUE "FileVersion", "{version}"
      VALUE "InternalName", "kring"
      VALUE "LegalCopyright", "EUPL-1.2"
      VALUE "OriginalFilename", "kring.exe"
      VALUE "ProductName", "Kring"
      VALUE "ProductVersion", "{version}"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x0413, 1200
  END
END
"#,
        icon = rc_path(icon),
        manifest = rc_path(manifest),
    )
}
