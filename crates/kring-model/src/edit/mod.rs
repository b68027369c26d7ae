//! One method per user action. Each validates everything first, then writes one small change.

pub(crate) mod attachments;
pub(crate) mod command;
pub(crate) mod info;
pub(crate) mod invites;
pub(crate) mod joint_meetings;
pub(crate) mod leerhuis;
pub(crate) mod members;
pub(crate) mod questions;
pub(crate) mod reflections;
pub(crate) mod rooms;
pub(crate) mod sessions;
pub(crate) mod text;
pub(crate) mod themes;
pub(crate) mod typing;
