//! Fatal errors: problems that stop a command (exit code 2 or an unwritable
//! output). Problems inside members' workbooks are never fatal: they are
//! [`crate::model::Issue`]s.

use std::path::{Path, PathBuf};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum Fatal {
    #[error("Không tìm thấy thư mục làm việc {}. Kiểm tra lại đường dẫn, hoặc tạo thư mục mới bằng lệnh `thidua init {}`.", crate::shown::path(.0), crate::shown::path(.0))]
    NoFolder(PathBuf),

    #[error("Không đọc được {}: {message}", crate::shown::path(path))]
    Read { path: PathBuf, message: String },

    #[error("Tệp cấu hình {} không hợp lệ — {message}.", crate::shown::path(path))]
    Settings { path: PathBuf, message: String },

    #[error("{} › {sheet}: {message}", crate::shown::path(path))]
    Input {
        path: PathBuf,
        sheet: String,
        message: String,
    },

    #[error("Không ghi được {}: {message}.", crate::shown::path(path))]
    Write { path: PathBuf, message: String },

    #[error("Thư mục kết quả {} nằm trong thư mục tệp nộp {}; kết quả sẽ bị đọc lại như tệp nộp. Chọn thư mục khác bằng --out.", crate::shown::path(out), crate::shown::path(submissions))]
    OutInsideInputs { out: PathBuf, submissions: PathBuf },

    #[error("{} đã có sẵn; thidua không ghi đè tệp có sẵn. Chọn thư mục khác hoặc xóa tệp đó trước.", crate::shown::path(.0))]
    Exists(PathBuf),

    /// An output that is open in another program: found before
    /// anything is written. `shown` is the path as the user reads it,
    /// `program` the one that usually holds such a file.
    #[error("Tệp {shown} đang mở trong {program}. Đóng tệp rồi chạy lại.")]
    Held {
        path: PathBuf,
        shown: String,
        program: &'static str,
    },
}

impl Fatal {
    /// An I/O failure on `path`, explained in Vietnamese.
    pub fn io(path: &Path, e: std::io::Error) -> Fatal {
        let message = match e.kind() {
            std::io::ErrorKind::NotFound => "không tìm thấy tệp".to_string(),
            std::io::ErrorKind::PermissionDenied => "không có quyền truy cập".to_string(),
            _ => e.to_string(),
        };
        Fatal::Read {
            path: path.to_path_buf(),
            message,
        }
    }

    /// A failure writing `path`, explained in Vietnamese. An I/O error is
    /// classified: on Windows a file open in Excel or Word cannot be
    /// replaced, and the message says to close it and run again. Any other
    /// error (a writer's own) is quoted.
    pub fn write<E: std::fmt::Display + 'static>(path: &Path, e: E) -> Fatal {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| crate::shown::path(path));
        let message = match (&e as &dyn std::any::Any).downcast_ref::<std::io::Error>() {
            Some(io) => write_io_message(io, &name),
            None => e.to_string(),
        };
        Fatal::Write {
            path: path.to_path_buf(),
            message,
        }
    }
}

/// Whether an I/O error means the file is held by another program (Excel,
/// Word, an antivirus scan) or the folder is not writable: worth a retry,
/// then worth telling the user to close the file.
pub fn is_locked(e: &std::io::Error) -> bool {
    // ERROR_SHARING_VIOLATION (32) and ERROR_LOCK_VIOLATION (33) on Windows.
    e.kind() == std::io::ErrorKind::PermissionDenied || (cfg!(windows) && matches!(e.raw_os_error(), Some(32 | 33)))
}

fn write_io_message(e: &std::io::Error, name: &str) -> String {
    use std::io::ErrorKind;
    if is_locked(e) {
        return format!(
            "tệp đang mở trong chương trình khác (Excel, Word…) hoặc thư mục không cho phép ghi. \
Hãy đóng tệp {name} rồi chạy lại; nếu vẫn lỗi, chọn thư mục kết quả khác bằng --out"
        );
    }
    match e.kind() {
        ErrorKind::NotFound => "không tạo được thư mục chứa tệp; kiểm tra lại đường dẫn --out".into(),
        ErrorKind::StorageFull => "ổ đĩa đã đầy; giải phóng bớt dung lượng rồi chạy lại".into(),
        ErrorKind::ReadOnlyFilesystem => "ổ đĩa chỉ cho phép đọc; chọn thư mục kết quả khác bằng --out".into(),
        ErrorKind::AlreadyExists | ErrorKind::NotADirectory => {
            "trên đường dẫn có một tệp trùng tên với thư mục cần tạo; đổi tên tệp đó hoặc chọn --out khác".into()
        }
        _ => format!("lỗi hệ thống ({e})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error, ErrorKind};

    #[test]
    fn a_locked_output_says_to_close_it() {
        let e = Fatal::write(Path::new("out/tong-hop.xlsx"), Error::from(ErrorKind::PermissionDenied));
        let text = e.to_string();
        assert!(text.starts_with("Không ghi được out"), "{text}");
        assert!(text.contains("đóng tệp tong-hop.xlsx rồi chạy lại"), "{text}");
    }

    #[test]
    fn other_write_failures_are_explained_without_the_close_hint() {
        let full = Fatal::write(Path::new("a.json"), Error::from(ErrorKind::StorageFull)).to_string();
        assert!(full.contains("ổ đĩa đã đầy"), "{full}");
        assert!(!full.contains("đóng tệp"), "{full}");
        let own = Fatal::write(Path::new("a.xlsx"), "tên sheet quá dài").to_string();
        assert!(own.ends_with("tên sheet quá dài."), "{own}");
    }
}
