//! Replacing a file so that a crash leaves either the old or the new version, never a mix.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;

use crate::error::{IoContext, Result};

/// Unix permissions of every file the store keeps: readable and writable by the owner only, so
/// that other accounts on a shared laptop cannot read anyone's notes.
pub const PRIVATE_FILE_MODE: u32 = 0o600;
/// ... and of every folder.
#[cfg(unix)]
pub(crate) const PRIVATE_DIR_MODE: u32 = 0o700;

/// Creates `dir` and any missing parents; new folders are private to the owner (on Unix).
pub(crate) fn create_private_dir_all(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(PRIVATE_DIR_MODE);
    }
    builder.create(dir).at(dir)
}

/// Options whose new files are private to the owner (on Unix).
pub(crate) fn private_file_options() -> OpenOptions {
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(PRIVATE_FILE_MODE);
    }
    options
}

/// Writes `bytes` to `path` via a temporary file, fsync, rename and a directory fsync.
/// `mode` sets the Unix permissions of the new file (e.g. 0o600 for secrets).
pub fn write_atomic(path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<()> {
    let dir = parent_dir(path);
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.tmp"));
    {
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        if let Some(mode) = mode {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(mode);
        }
        #[cfg(not(unix))]
        let _ = mode;
        let mut file = options.open(&tmp).at(&tmp)?;
        // `mode` only applies to a new file: one left behind by a crash keeps its own.
        #[cfg(unix)]
        if let Some(mode) = mode {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(fs::Permissions::from_mode(mode)).at(&tmp)?;
        }
        file.write_all(bytes).at(&tmp)?;
        file.sync_all().at(&tmp)?;
    }
    fs::rename(&tmp, path).at(path)?;
    sync_dir(dir)
}

/// The folder `path` is in; "." for a bare file name like `plg.kring` (whose parent is "").
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Makes a rename or a new file in `dir` survive a power cut.
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    fs::File::open(dir).and_then(|d| d.sync_all()).at(dir)?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        write_atomic(&path, b"first", None).unwrap();
        write_atomic(&path, b"second", None).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("config.json")]);
    }

    #[test]
    fn a_bare_file_name_is_in_the_current_folder() {
        assert_eq!(parent_dir(Path::new("plg.kring")), Path::new("."));
        assert_eq!(parent_dir(Path::new("usb/plg.kring")), Path::new("usb"));
        assert_eq!(parent_dir(Path::new("/plg.kring")), Path::new("/"));
        // What the directory fsync then opens is a real folder.
        sync_dir(parent_dir(Path::new("plg.kring"))).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn applies_the_requested_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        write_atomic(&path, b"k", Some(0o600)).unwrap();
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn a_temporary_file_left_by_a_crash_does_not_pass_on_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".secret.tmp");
        fs::write(&stale, b"half").unwrap();
        fs::set_permissions(&stale, fs::Permissions::from_mode(0o644)).unwrap();
        let path = dir.path().join("secret");
        write_atomic(&path, b"k", Some(0o600)).unwrap();
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
