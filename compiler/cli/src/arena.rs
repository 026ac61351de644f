//! A bump arena in front of mimalloc for a process's first megabyte of small blocks.
//!
//! A `check` or `compile` of one project allocates about 4,500 blocks (400 KiB in all) and
//! exits: mimalloc's size classes spread them over 31 of its 64 KiB pages, whose first touches
//! were 70 page faults, and its `malloc`, `free` and `realloc` were a sixth of the
//! instructions (README, "Performance"). Here a block is the next bytes of one static array:
//! allocating moves an offset on, freeing the last block moves it back, growing the last block
//! grows it in place, and any other free keeps its bytes until the process ends. The array's
//! pages are made present ahead of the offset, 64 KiB at a time, by one `madvise` each
//! (`MADV_POPULATE_WRITE`), at about half the cost of faulting them in one by one. Once the
//! array is used up, or for a block over [`LARGEST`], mimalloc serves: a large project, many
//! projects or the language server lose at most the array's megabyte of address space.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// The largest block the arena gives: larger ones are rare, and may be reserved room that is
/// never written, whose pages the arena would make present for nothing.
pub const LARGEST: usize = 16 << 10;

/// The arena's pages are made present this far ahead of its offset.
const STEP: usize = 64 << 10;

/// The page size every arena's array is aligned to.
const PAGE: usize = 4096;

/// An array of `N` bytes, page-aligned, handed out from the start.
#[repr(C, align(4096))]
struct Space<const N: usize>([u8; N]);

/// A bump arena over `N` bytes of its own, safe to share between threads.
pub struct Arena<const N: usize> {
    space: UnsafeCell<Space<N>>,
    /// Offset of the first free byte.
    next: AtomicUsize,
    /// Offset up to which the pages were made present.
    ready: AtomicUsize,
}

// SAFETY: the array is only reached through blocks, and each offset range is handed to one
// caller at a time by the atomic compare-exchanges on `next`.
unsafe impl<const N: usize> Sync for Arena<N> {}

impl<const N: usize> Arena<N> {
    /// An arena with nothing handed out; all zero, so a static one is in `.bss` and costs no
    /// memory until it is used.
    pub const fn new() -> Self {
        Arena {
            space: UnsafeCell::new(Space([0; N])),
            next: AtomicUsize::new(0),
            ready: AtomicUsize::new(0),
        }
    }

    fn base(&self) -> usize {
        self.space.get() as usize
    }

    /// The offset of `ptr` in the array, when the arena gave it.
    fn offset(&self, ptr: *mut u8) -> Option<usize> {
        let off = (ptr as usize).wrapping_sub(self.base());
        (off < N).then_some(off)
    }

    /// Whether `ptr` is one of this arena's blocks.
    pub fn owns(&self, ptr: *mut u8) -> bool {
        self.offset(ptr).is_some()
    }

    /// A block of `size` bytes aligned to `align` (a power of two), or `None` when it is over
    /// [`LARGEST`] or does not fit.
    pub fn alloc(&self, size: usize, align: usize) -> Option<*mut u8> {
        if size > LARGEST || align > PAGE {
            return None;
        }
        let mut cur = self.next.load(Relaxed);
        loop {
            let start = cur.checked_add(align - 1)? & !(align - 1);
            let end = start + size;
            if end > N {
                return None;
            }
            match self.next.compare_exchange_weak(cur, end, Relaxed, Relaxed) {
                Ok(_) => {
                    self.populate(end);
                    return Some(self.space.get().cast::<u8>().wrapping_add(start));
                }
                Err(now) => cur = now,
            }
        }
    }

    /// Takes back the block at `ptr` of `size` bytes when it is the last one handed out; any
    /// other block stays until the process ends.
    pub fn free(&self, ptr: *mut u8, size: usize) {
        if let Some(off) = self.offset(ptr) {
            let _ = self
                .next
                .compare_exchange(off + size, off, Relaxed, Relaxed);
        }
    }

    /// Resizes the arena's block at `ptr` from `old` to `new` bytes where it is: always when it
    /// shrinks, and when it grows if it is the last block and still fits. `false`: it must move.
    pub fn resize(&self, ptr: *mut u8, old: usize, new: usize) -> bool {
        let Some(off) = self.offset(ptr) else {
            return false;
        };
        if new <= old {
            let _ = self
                .next
                .compare_exchange(off + old, off + new, Relaxed, Relaxed);
            return true;
        }
        if new > LARGEST || off + new > N {
            return false;
        }
        let grown = self
            .next
            .compare_exchange(off + old, off + new, Relaxed, Relaxed)
            .is_ok();
        if grown {
            self.populate(off + new);
        }
        grown
    }

    /// Makes the pages up to `end` present, [`STEP`] at a time, when they are not yet.
    fn populate(&self, end: usize) {
        let ready = self.ready.load(Relaxed);
        if end <= ready {
            return;
        }
        let want = end.div_ceil(STEP).saturating_mul(STEP).min(N);
        if self
            .ready
            .compare_exchange(ready, want, Relaxed, Relaxed)
            .is_ok()
        {
            // SAFETY: the range lies within the array, which is page-aligned, and populating
            // changes no byte of it (a failure, on a kernel before 5.14, leaves the pages to
            // be faulted in as they are touched).
            #[cfg(any(target_os = "linux", target_os = "android"))]
            unsafe {
                libc::madvise(
                    (self.base() + ready) as *mut libc::c_void,
                    want - ready,
                    libc::MADV_POPULATE_WRITE,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const N: usize = 256 << 10;

    fn arena() -> Box<Arena<N>> {
        // SAFETY: an all-zero `Arena` is `Arena::new()` (zero bytes, zero atomics); built on
        // the heap, as a quarter-megabyte value would not fit a test thread's stack.
        unsafe { Box::<Arena<N>>::new_zeroed().assume_init() }
    }

    #[test]
    fn blocks_are_aligned_disjoint_and_within_the_array() {
        let a = arena();
        let mut blocks = Vec::new();
        for (i, align) in [1, 8, 16, 64, 4096, 2, 32]
            .iter()
            .cycle()
            .take(70)
            .enumerate()
        {
            let size = 1 + i * 37 % 500;
            let p = a.alloc(size, *align).expect("fits");
            assert_eq!(p as usize % align, 0);
            assert!(a.owns(p) && a.owns(p.wrapping_add(size - 1)));
            blocks.push((p as usize, size));
        }
        blocks.sort_unstable();
        for w in blocks.windows(2) {
            assert!(w[0].0 + w[0].1 <= w[1].0, "{w:?} overlap");
        }
    }

    #[test]
    fn too_large_or_full_goes_elsewhere() {
        let a = arena();
        assert!(a.alloc(LARGEST + 1, 8).is_none());
        assert!(a.alloc(16, 8192).is_none());
        let mut n = 0;
        while a.alloc(LARGEST, 16).is_some() {
            n += 1;
        }
        assert_eq!(n, N / LARGEST);
        assert!(a.alloc(1, 1).is_none());
        assert!(!a.owns(std::ptr::null_mut()));
        let elsewhere = Box::new(0u64);
        assert!(!a.owns((&*elsewhere as *const u64).cast_mut().cast()));
    }

    #[test]
    fn the_last_block_is_taken_back_and_grows_in_place() {
        let a = arena();
        let first = a.alloc(100, 8).expect("fits");
        let last = a.alloc(100, 8).expect("fits");
        a.free(first, 100);
        assert_eq!(
            a.alloc(8, 8).map(|p| p > last),
            Some(true),
            "not the last: kept"
        );
        let top = a.alloc(50, 8).expect("fits");
        assert!(a.resize(top, 50, 5000), "last block grows where it is");
        assert!(!a.resize(last, 100, 200), "an earlier block must move");
        assert!(a.resize(last, 100, 10), "any block shrinks where it is");
        a.free(top, 5000);
        assert_eq!(
            a.alloc(5000, 8),
            Some(top),
            "the freed last block is reused"
        );
        assert!(!a.resize(top, 5000, LARGEST + 1));
    }

    #[test]
    fn threads_get_disjoint_blocks() {
        let a: &'static Arena<N> = Box::leak(arena());
        let handles: Vec<_> = (0..4)
            .map(|t| {
                std::thread::spawn(move || {
                    let mut mine = Vec::new();
                    for i in 0..500 {
                        if let Some(p) = a.alloc(24, 8) {
                            // SAFETY: the block is 24 bytes, this thread's alone.
                            unsafe { p.write_bytes(t as u8, 24) };
                            mine.push(p as usize);
                        }
                        if i % 3 == 0 {
                            if let Some(&p) = mine.last() {
                                a.free(p as *mut u8, 24);
                                mine.pop();
                            }
                        }
                    }
                    for &p in &mine {
                        // SAFETY: as above: still this thread's block.
                        let bytes = unsafe { std::slice::from_raw_parts(p as *const u8, 24) };
                        assert!(
                            bytes.iter().all(|&b| b == t as u8),
                            "another thread wrote here"
                        );
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().expect("thread");
        }
    }
}
