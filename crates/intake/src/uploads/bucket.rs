//! Resumable uploads in a bucket (`serve --files s3://…`), so an upload begun through one node goes on
//! through another: the offset is what the bucket holds, never a process's memory. Each request's bytes
//! become one part object, `uploads/<sha256>-<length>/<start>-<bytes>` (both numbers zero-padded, so names
//! sort by offset), created only if no part of that name is there: two nodes sent the same bytes at once,
//! one wins and the other's client asks again. Once the parts reach the length they are joined, checked
//! against the name, and kept whole as `uploads/<sha256>`; the parts go.

use sha2::{Digest, Sha256};

use super::{Standing, UploadError};
use crate::objects::{Objects, PRIVATE};
use crate::publish::hex;

fn failed(e: std::io::Error) -> UploadError {
    UploadError::Io(e.to_string())
}

fn parts_of(hash: &str, length: u64) -> String {
    format!("uploads/{hash}-{length}/")
}

fn whole(hash: &str) -> String {
    format!("uploads/{hash}")
}

/// The parts that follow on from byte 0, and how far they reach.
fn chain(
    objects: &dyn Objects,
    hash: &str,
    length: u64,
) -> Result<(u64, Vec<String>), UploadError> {
    let prefix = parts_of(hash, length);
    let mut offset = 0u64;
    let mut names = Vec::new();
    for name in objects.list(&prefix).map_err(failed)? {
        let span = name.strip_prefix(&prefix).and_then(|s| s.split_once('-'));
        let Some((start, bytes)) =
            span.and_then(|(a, b)| Some((a.parse::<u64>().ok()?, b.parse::<u64>().ok()?)))
        else {
            continue;
        };
        if start == offset && bytes > 0 {
            offset += bytes;
            names.push(name);
        } else if start > offset {
            break;
        }
    }
    Ok((offset.min(length), names))
}

pub(super) fn standing(
    objects: &dyn Objects,
    hash: &str,
    length: u64,
) -> Result<Standing, UploadError> {
    if objects.len(&whole(hash)).map_err(failed)? == Some(length) {
        return Ok(Standing {
            offset: length,
            whole: true,
        });
    }
    let (offset, _) = chain(objects, hash, length)?;
    Ok(Standing {
        offset,
        whole: false,
    })
}

/// Keeps the bytes one request brought, from `start`; joins the parts once they are all there.
pub(super) fn save(
    objects: &dyn Objects,
    hash: &str,
    length: u64,
    start: u64,
    bytes: &[u8],
) -> Result<Standing, UploadError> {
    if !bytes.is_empty() {
        let name = format!("{}{start:020}-{:020}", parts_of(hash, length), bytes.len());
        if !objects.put_new(&name, bytes, PRIVATE).map_err(failed)? {
            return Err(UploadError::Busy);
        }
    }
    let (offset, names) = chain(objects, hash, length)?;
    if offset < length {
        return Ok(Standing {
            offset,
            whole: false,
        });
    }
    let mut content = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
    for name in &names {
        let part = objects.get(name).map_err(failed)?;
        content.extend(part.ok_or(UploadError::Offset { stored: 0 })?);
    }
    let forget = |names: &[String]| {
        for name in names {
            // A part left behind is swept by the bucket's lifecycle rule (docs/scaling.md).
            let _ = objects.delete(name);
        }
    };
    if content.len() as u64 != length || hex(&Sha256::digest(&content)) != hash {
        forget(&names);
        return Err(UploadError::Corrupt);
    }
    objects
        .put(&whole(hash), &content, PRIVATE)
        .map_err(failed)?;
    forget(&names);
    Ok(Standing {
        offset: length,
        whole: true,
    })
}

pub(super) fn read(objects: &dyn Objects, hash: &str, length: u64) -> Option<Vec<u8>> {
    let bytes = objects.get(&whole(hash)).ok()??;
    (bytes.len() as u64 == length).then_some(bytes)
}
