//! How a path appears in a message: one kind of separator everywhere.
//!
//! A user types `wtest/Thư mục khối`, the program joins `out` to it, and
//! Windows' `Path::display` printed `wtest/Thư mục khối\out`. Messages,
//! issue locations and ket-qua.json already name files inside the working
//! folder with `/` (`nop/khoi/so-tai-chinh.xlsx`), and Windows accepts `/`
//! wherever it accepts `\`, so every path a user reads uses `/`. The
//! verbatim prefix Windows adds to long paths (`\\?\`) is left out.

use std::path::Path;

/// `path` as messages print it: `/` between components on every system.
/// On Unix a `\` is a character of a file name and is kept.
pub fn path(path: &Path) -> String {
    let text = path.to_string_lossy();
    if cfg!(windows) {
        windows_style(&text)
    } else {
        text.into_owned()
    }
}

/// `path` relative to `base` when it lies inside it (`out/tong-hop.xlsx`
/// for a file of the working folder), else the whole path; see [`path`].
pub fn path_in(path: &Path, base: &Path) -> String {
    match path.strip_prefix(base) {
        Ok(rest) if rest.components().count() > 0 => self::path(rest),
        _ => self::path(path),
    }
}

/// A Windows path with `/` for `\`, without a verbatim prefix
/// (`\\?\C:\a` is `C:/a`, `\\?\UNC\server\share` is `//server/share`).
fn windows_style(text: &str) -> String {
    let text = if let Some(rest) = text.strip_prefix(r"\\?\UNC\") {
        format!(r"\\{rest}")
    } else {
        text.strip_prefix(r"\\?\").unwrap_or(text).to_string()
    };
    text.replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_paths_use_one_separator() {
        assert_eq!(windows_style(r"wtest/Thư mục khối\out"), "wtest/Thư mục khối/out");
        assert_eq!(windows_style(r"\\?\C:\Khối thi đua\out"), "C:/Khối thi đua/out");
        assert_eq!(windows_style(r"\\?\UNC\may-chu\chung\khoi"), "//may-chu/chung/khoi");
    }

    #[test]
    fn a_path_inside_the_working_folder_is_shown_relative() {
        let dir = Path::new("Khối thi đua mẫu");
        assert_eq!(
            path_in(&dir.join("out").join("tong-hop.xlsx"), dir),
            "out/tong-hop.xlsx"
        );
        assert_eq!(path_in(Path::new("khac/tep.xlsx"), dir), "khac/tep.xlsx");
        assert_eq!(path_in(dir, dir), "Khối thi đua mẫu");
    }
}
