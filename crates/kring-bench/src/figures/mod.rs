//! Each group of figures, measured on real components.

pub mod attachments;
pub mod during_chapter;
pub mod find;
pub mod leerhuis;
pub mod many_networks;
pub mod many_nodes;
pub mod network;
pub mod room;
pub mod trust;
pub mod typing;
pub mod ui;
