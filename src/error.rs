//! Fatal errors: problems that stop a command (exit code 2 or an unwritable
//! output). Problems inside members' workbooks are never fatal: they are
//! [`crate::model::Issue`]s.

use std::path::{Path, PathBuf};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum Fatal {
    #[error("Không tìm thấy thư mục làm việc {}. Kiểm tra lại đường dẫn, hoặc tạo thư mục mới bằng lệnh `thidua init {}`.", .0.display(), .0.display())]
    NoFolder(PathBuf),

    #[error("Không đọc được {}: {message}", path.display())]
    Read { path: PathBuf, message: String },

    #[error("Tệp cấu hình {} không hợp lệ — {message}.", path.display())]
    Settings { path: PathBuf, message: String },

    #[error("{} › {sheet}: {message}", path.display())]
    Input {
        path: PathBuf,
        sheet: String,
        message: String,
    },

    #[error("Không ghi được {}: {message}", path.display())]
    Write { path: PathBuf, message: String },

    #[error("{} đã có sẵn; thidua không ghi đè tệp có sẵn. Chọn thư mục khác hoặc xóa tệp đó trước.", .0.display())]
    Exists(PathBuf),
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

    /// A failure writing `path`. On Windows a file open in Excel or Word
    /// cannot be replaced: say so.
    pub fn write(path: &Path, e: impl std::fmt::Display) -> Fatal {
        Fatal::Write {
            path: path.to_path_buf(),
            message: format!(
                "{e}. Nếu tệp đang mở trong Excel hoặc Word, hãy đóng tệp {} rồi chạy lại.",
                path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
            ),
        }
    }
}
