//! paas-charm 1.12.3's runtime, as pure functions: given the expanded charm, the rock's Pebble
//! layer and a deployment, what the unit's status, environment, charm layer and
//! `gunicorn.conf.py` would be.
//!
//! **Invariant:** pure; no I/O, clock or randomness.
