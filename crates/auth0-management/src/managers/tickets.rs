//! tickets
