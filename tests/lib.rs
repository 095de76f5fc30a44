//! Shared helpers for the integration tests in this folder.
//!
//! The README's Rust examples are compiled here as doctests, so the documented usage cannot drift
//! from the generated API.
#![doc = include_str!("../README.md")]
