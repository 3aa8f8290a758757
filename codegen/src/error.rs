//! Errors of the front end: reading snapshot files and building the IR.
//!
//! Every message says where: the file and JSON path for parse errors, the
//! element (`com.vmware.vcenter.vm.power.start param vm`) for model errors.

use std::fmt;
use std::path::PathBuf;

/// One problem found while building the model, with the element it concerns.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// The element: `com.vmware.vcenter.vm.power.start param vm`.
    pub location: String,
    pub message: String,
}

impl Problem {
    pub fn new(location: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// The problems of one model, printed one per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [one] => write!(f, "{one}"),
            many => {
                write!(f, "{} problems in the metamodel:", many.len())?;
                for problem in many {
                    write!(f, "\n  {problem}")?;
                }
                Ok(())
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A snapshot file that is not valid JSON or does not have the metamodel's
    /// shape. `json_path` names map entries by key where it can
    /// (`value.info.packages["com.vmware.vcenter.vm"].services[...]`).
    #[error("{}: at {json_path}: {message}", path.display())]
    Parse {
        path: PathBuf,
        json_path: String,
        message: String,
    },

    #[error("no component files (*.json besides manifest.json) in {}", dir.display())]
    EmptySnapshot { dir: PathBuf },

    /// Inconsistencies between elements: unknown type references, duplicate
    /// identifiers, names that cannot be made unique, ...
    #[error("{0}")]
    Model(Problems),
}

impl Error {
    /// The model problems, if this is a model error.
    pub fn problems(&self) -> &[Problem] {
        match self {
            Error::Model(problems) => &problems.0,
            _ => &[],
        }
    }
}
