//! The small closed vocabularies of the schema (perspective, role, kinds, statuses), stored in
//! the document as lowercase words so that the data stays readable and other clients can use it.

use serde::{Deserialize, Serialize};

/// A word that is not in a vocabulary. Carries the vocabulary's words for the error message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{got}' (expected one of: {expected})")]
pub struct UnknownWord {
    pub what: &'static str,
    pub got: String,
    pub expected: String,
}

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $what:literal, default $default:ident { $($variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            /// Reads a value written by any client. A word from a newer schema falls back to the
            /// default rather than hiding the whole record.
            #[allow(dead_code)] // not every vocabulary is read from a single key
            pub(crate) fn from_doc(word: Option<&str>) -> Self {
                word.and_then(|w| w.parse().ok()).unwrap_or($name::$default)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::$default
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownWord;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($word => Ok($name::$variant),)+
                    _ => Err(UnknownWord {
                        what: $what,
                        got: s.to_string(),
                        expected: [$($word),+].join(", "),
                    }),
                }
            }
        }
    };
}

vocabulary!(
    /// The five perspectives of network learning, and "other".
    Perspective, "perspective", default Other {
        Student = "student",
        Teacher = "teacher",
        Practitioner = "practitioner",
        Researcher = "researcher",
        YouthParent = "youth-parent",
        Other = "other",
    }
);

vocabulary!(
    /// What a member may do. Enforced by the clients (see the README's security model).
    Role, "role", default Member {
        Coordinator = "coordinator",
        Member = "member",
    }
);

vocabulary!(
    /// The kinds of meetings a network holds.
    SessionKind, "session kind", default Other {
        Plg = "plg",
        Regioteam = "regioteam",
        Leerhuis = "leerhuis",
        Other = "other",
    }
);

vocabulary!(
    /// A member's attendance at a session.
    Attendance, "attendance status", default Present {
        Present = "present",
        Absent = "absent",
        Excused = "excused",
    }
);

vocabulary!(
    /// Where a learning question stands: proposed → central → exploring → answered, or parked.
    QuestionStatus, "question status", default Proposed {
        Proposed = "proposed",
        Central = "central",
        Exploring = "exploring",
        Answered = "answered",
        Parked = "parked",
    }
);

vocabulary!(
    /// The four phases of an action-research cycle, each a collaborative text.
    CyclePhase, "cycle phase", default Plan {
        Plan = "plan",
        Act = "act",
        Observe = "observe",
        Reflect = "reflect",
    }
);

vocabulary!(
    /// The perspective a guest in a room chooses on their phone: youth and parents apart, since
    /// a room is where their voices are counted.
    GuestPerspective, "guest perspective", default Other {
        Youth = "youth",
        Parent = "parent",
        Student = "student",
        Teacher = "teacher",
        Practitioner = "practitioner",
        Researcher = "researcher",
        Other = "other",
    }
);

vocabulary!(
    /// What a guest may send from a room: nothing else is ever written for a guest.
    GuestKind, "guest contribution", default Reaction {
        Vote = "vote",
        Question = "question",
        Score = "score",
        Reaction = "reaction",
        Photo = "photo",
    }
);

vocabulary!(
    /// What a network document is: a network of people, or a leerhuis (a network of networks,
    /// which also holds the networks linked into it and what they published there).
    NetworkKind, "network kind", default Network {
        Network = "network",
        Leerhuis = "leerhuis",
    }
);

vocabulary!(
    /// What a linked network shares with a leerhuis: a copy, never the record itself.
    PublicationKind, "publication kind", default Question {
        Question = "question",
        Session = "session",
        Reflection = "reflection",
    }
);

vocabulary!(
    /// What an attachment is, for how it is shown: images as pictures, the rest opened with
    /// the system's viewer.
    AttachmentKind, "attachment kind", default Other {
        Image = "image",
        Audio = "audio",
        Video = "video",
        Pdf = "pdf",
        Document = "document",
        Other = "other",
    }
);

impl AttachmentKind {
    /// The kind a file's name suggests (its extension, in any case); `Other` when it says nothing.
    pub fn from_file_name(name: &str) -> AttachmentKind {
        let extension = name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default();
        match extension.as_str() {
            "jpg" | "jpeg" | "png" | "gif" | "webp" | "heic" | "heif" | "bmp" | "tif" | "tiff" => AttachmentKind::Image,
            "mp3" | "m4a" | "wav" | "ogg" | "oga" | "opus" | "aac" | "flac" | "amr" => AttachmentKind::Audio,
            "mp4" | "m4v" | "mov" | "webm" | "mkv" | "avi" | "3gp" => AttachmentKind::Video,
            "pdf" => AttachmentKind::Pdf,
            "doc" | "docx" | "odt" | "rtf" | "txt" | "md" | "xls" | "xlsx" | "ods" | "csv" | "ppt" | "pptx" | "odp" => {
                AttachmentKind::Document
            }
            _ => AttachmentKind::Other,
        }
    }
}
