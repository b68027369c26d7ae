//! Small typed accessors over Automerge maps, shared by the reads and the edits.

use automerge::{ObjId, ObjType, ReadDoc, Value};

/// The object stored at `key`, if it is one (a scalar or nothing gives `None`).
pub(crate) fn obj(doc: &impl ReadDoc, parent: &ObjId, key: &str) -> Option<ObjId> {
    match doc.get(parent, key) {
        Ok(Some((Value::Object(_), id))) => Some(id),
        _ => None,
    }
}

pub(crate) fn string(doc: &impl ReadDoc, parent: &ObjId, key: &str) -> Option<String> {
    match doc.get(parent, key) {
        Ok(Some((value, _))) => value.as_str().map(str::to_string),
        _ => None,
    }
}

pub(crate) fn int(doc: &impl ReadDoc, parent: &ObjId, key: &str) -> Option<i64> {
    match doc.get(parent, key) {
        Ok(Some((value, _))) => value.as_i64(),
        _ => None,
    }
}

pub(crate) fn uint(doc: &impl ReadDoc, parent: &ObjId, key: &str) -> Option<u64> {
    match doc.get(parent, key) {
        Ok(Some((value, _))) => value.as_u64().or_else(|| value.as_i64().and_then(|v| u64::try_from(v).ok())),
        _ => None,
    }
}

pub(crate) fn bytes(doc: &impl ReadDoc, parent: &ObjId, key: &str) -> Option<Vec<u8>> {
    match doc.get(parent, key) {
        Ok(Some((Value::Scalar(scalar), _))) => match scalar.as_ref() {
            automerge::ScalarValue::Bytes(bytes) => Some(bytes.clone()),
            _ => None,
        },
        _ => None,
    }
}

pub(crate) fn float(doc: &impl ReadDoc, parent: &ObjId, key: &str) -> Option<f64> {
    match doc.get(parent, key) {
        Ok(Some((value, _))) => value.as_f64(),
        _ => None,
    }
}

pub(crate) fn boolean(doc: &impl ReadDoc, parent: &ObjId, key: &str) -> Option<bool> {
    match doc.get(parent, key) {
        Ok(Some((value, _))) => value.as_bool(),
        _ => None,
    }
}

/// The content of the `Text` at `key`; empty when missing (e.g. written by a client that left
/// it out), so one odd record never hides a whole network.
pub(crate) fn text(doc: &impl ReadDoc, parent: &ObjId, key: &str) -> String {
    match doc.get(parent, key) {
        Ok(Some((Value::Object(ObjType::Text), id))) => doc.text(&id).unwrap_or_default(),
        _ => String::new(),
    }
}

/// The keys of a map in key order (Automerge keeps map keys sorted).
pub(crate) fn keys(doc: &impl ReadDoc, map: &ObjId) -> Vec<String> {
    doc.keys(map).collect()
}

/// The keys of a map whose value is `true`: the shape of sets like votes and linked records.
pub(crate) fn true_keys(doc: &impl ReadDoc, map: &ObjId) -> Vec<String> {
    keys(doc, map).into_iter().filter(|k| boolean(doc, map, k) == Some(true)).collect()
}
