//! The thin Windows layer under [`crate::launch`] and [`crate::held`]: the
//! few calls that only Windows has. Every decision is made elsewhere, in
//! code the Linux tests run; on other systems these functions answer as a
//! program started from a terminal would.

use std::io::IsTerminal;
use std::path::Path;

/// Whether the program was started from Explorer (double-click, or a
/// folder dropped on it) rather than from a terminal.
///
/// Windows gives a program started from Explorer a console of its own, so
/// the console's process list holds this process alone; a terminal's
/// console also holds the shell. Standard input must be that console too:
/// with input redirected nobody could press Enter at the end.
pub fn started_from_explorer() -> bool {
    sys::console_is_own() && std::io::stdin().is_terminal()
}

/// Prepares a console the program owns (Explorer start) for Vietnamese:
/// UTF-8 as its code page. A terminal's console is left as it is (Rust
/// already writes to a console as UTF-16, and a code page set here would
/// outlive the program in the user's terminal).
pub fn prepare_own_console() {
    sys::use_utf8();
}

/// Whether the progress bar may draw on standard error: not when started
/// from Explorer (the window shows the summary only), not on a console
/// that does not understand escape codes (legacy Windows console).
pub fn progress_allowed() -> bool {
    !started_from_explorer() && sys::escape_codes_work()
}

/// Opens `folder` in Explorer. Failing to is not an error: the summary
/// already says where the outputs are.
pub fn open_folder(folder: &Path) {
    sys::open_folder(folder);
}

/// Whether another program holds `path` open so that it cannot be
/// replaced. On Windows: opening it for writing with no sharing fails with
/// a sharing or lock violation. Elsewhere files are never held.
pub fn is_held(path: &Path) -> bool {
    sys::is_held(path)
}

#[cfg(windows)]
mod sys {
    use std::path::Path;

    use windows_sys::Win32::System::Console::{
        GetConsoleMode, GetConsoleProcessList, GetStdHandle, SetConsoleCP, SetConsoleMode, SetConsoleOutputCP,
        ENABLE_VIRTUAL_TERMINAL_PROCESSING, STD_ERROR_HANDLE,
    };

    const UTF8: u32 = 65001;
    /// ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION.
    const HELD: [i32; 2] = [32, 33];

    pub fn console_is_own() -> bool {
        let mut ids = [0u32; 2];
        // SAFETY: the buffer holds `ids.len()` process ids.
        let count = unsafe { GetConsoleProcessList(ids.as_mut_ptr(), ids.len() as u32) };
        count == 1
    }

    pub fn use_utf8() {
        // SAFETY: plain calls with a code page number; failure leaves the
        // console as it was.
        unsafe {
            SetConsoleOutputCP(UTF8);
            SetConsoleCP(UTF8);
        }
    }

    /// Whether standard error is a console that handles escape codes,
    /// turning them on where the console can (Windows 10 and later).
    pub fn escape_codes_work() -> bool {
        // SAFETY: a handle from GetStdHandle and a valid out pointer.
        unsafe {
            let handle = GetStdHandle(STD_ERROR_HANDLE);
            let mut mode = 0u32;
            if GetConsoleMode(handle, &mut mode) == 0 {
                // Not a console (a pipe or a file): the bar is not drawn there anyway.
                return true;
            }
            mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0
                || SetConsoleMode(handle, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0
        }
    }

    pub fn open_folder(folder: &Path) {
        let folder = std::path::absolute(folder).unwrap_or_else(|_| folder.to_path_buf());
        let _ = std::process::Command::new("explorer.exe").arg(folder).spawn();
    }

    pub fn is_held(path: &Path) -> bool {
        use std::os::windows::fs::OpenOptionsExt;
        match std::fs::OpenOptions::new().write(true).share_mode(0).open(path) {
            Ok(_) => false,
            Err(e) => e.raw_os_error().is_some_and(|code| HELD.contains(&code)),
        }
    }
}

#[cfg(not(windows))]
mod sys {
    use std::path::Path;

    pub fn console_is_own() -> bool {
        false
    }

    pub fn use_utf8() {}

    pub fn escape_codes_work() -> bool {
        true
    }

    pub fn open_folder(_folder: &Path) {}

    pub fn is_held(_path: &Path) -> bool {
        false
    }
}
