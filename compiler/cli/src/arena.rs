//! A bump arena in front of mimalloc for the first megabyte of a process's small blocks.
//!
//! A `check` or `compile` of one project allocates about 4,500 blocks (400 KiB in all) and
//! exits: mimalloc's size classes spread them over 31 of its 64 KiB pages, whose first touches
//! were 70 page faults, and its `malloc`, `free` and `realloc` were a sixth of the
//! instructions (docs/performance-log.md). Here a block is the next bytes of one static array:
//! allocating moves an offset on, freeing the last block moves it back, and growing the last
//! block grows it in place. Any other block freed goes on a list of blocks of its size (sizes
//! are rounded up to 8 bytes and at least 16, or to 512 over 2 KiB), from which the next block
//! of that size is taken; a request whose list is empty takes the front of a block from the
//! next list that has one (a bitmap says which), whose rest goes on its own list; a block that
//! shrinks where it is frees its tail. About half of what a `check` allocates is freed before it
//! ends, and each page the array does not reach is a page the kernel need not clear and map
//! (1.5 to 3 µs each on a KVM guest, docs/performance-log.md): with exact sizes alone,
//! `check flask-workers` moved the offset to 176 KiB for at most 85 KiB held at once. The
//! array's pages are made present ahead of the offset, [`STEP`] at a time, by one `madvise`
//! each (`MADV_POPULATE_WRITE`), at less than the cost of faulting them in one by one.
//!
//! Only the thread that [`Arena::claim`]ed the arena (the main thread) allocates from it, with
//! plain loads and stores: shared between the threads of a many-project `compile`, the offset's
//! cache line went back and forth between the cores on every allocation, and its
//! compare-exchanges cost a `check` about 20 cycles each. Other threads, blocks over
//! [`LARGEST`], and everything once the array is used up go to mimalloc; a block of the arena
//! freed or resized by another thread is left where it is (or copied out). So a large project,
//! many projects or the language server lose at most the array's megabyte.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// The largest block the arena gives: larger ones are rare, and may be reserved room that is
/// never written, whose pages the arena would make present for nothing. A `compile` reads the
/// Helm chart's `values.schema.json` already in OUT (79 KB) to compare it: at 16 KiB that one
/// block started mimalloc's heap.
pub const LARGEST: usize = 128 << 10;

/// The arena's pages are made present this far ahead of its offset. A page made present and
/// never reached costs what a used one does (about 1.9 µs on a KVM guest), and a run stops
/// somewhere inside its last step: with 64 KiB steps a `check` of an example populated about
/// 12 pages it never used, and took 2–4% longer than with 16 KiB (docs/performance-log.md,
/// session 27), where a few more `madvise` calls cost less than those pages.
const STEP: usize = 16 << 10;

/// The granule of the arena's small blocks: every block starts at a multiple of it and its
/// size is rounded up to one.
const GRAIN: usize = 8;

/// The smallest block: a freed block holds the link of its list in its first word and its size
/// in its second.
const SMALLEST: usize = 2 * GRAIN;

/// The largest size rounded to [`GRAIN`]; larger blocks, fewer, are rounded to [`COARSE`].
const FINE: usize = 2048;

/// The granule of blocks over [`FINE`] bytes.
const COARSE: usize = 512;

/// One list per rounded size up to [`LARGEST`].
const LISTS: usize = FINE / GRAIN + (LARGEST - FINE) / COARSE;

/// Words of the bitmap of the lists that have blocks.
const LIST_WORDS: usize = LISTS.div_ceil(64);

/// The page size every arena's array is aligned to.
const PAGE: usize = 4096;

/// An array of `N` bytes, page-aligned, handed out from the start.
#[repr(C, align(4096))]
struct Space<const N: usize>([u8; N]);

/// A bump arena over `N` bytes of its own, used by the one thread that claimed it.
///
/// Its fields come first and in this order (`repr(C)`), the array after them: the counters,
/// the bitmap and the lists of all but the largest sizes share the first page, which is all a
/// run touches of them. Laid out by the compiler, the bitmap came after the lists and the
/// lists' 4 KB spilled onto a second page, a page fault more in every run.
#[repr(C)]
pub struct Arena<const N: usize> {
    /// The owning thread's [`thread_key`], 0 while unclaimed.
    owner: AtomicUsize,
    /// Offset of the first free byte (the owner's alone).
    next: Cell<usize>,
    /// Offset up to which the pages were made present (the owner's alone).
    ready: Cell<usize>,
    /// Bit `i % 64` of word `i / 64`: list `i` has a block (the owner's alone).
    listed: [Cell<u64>; LIST_WORDS],
    /// For each rounded size, the address of the last freed block of that size, 0 when none;
    /// each block's first word holds the address of the one freed before it, its second its
    /// size, which a block split off a larger one may exceed its list's by less than
    /// [`COARSE`] (the owner's alone).
    free: [Cell<usize>; LISTS],
    space: std::cell::UnsafeCell<Space<N>>,
}

// SAFETY: `next`, `ready`, the lists and their bitmap are read and written only by the owning
// thread (every method that touches them checks `owned_here` first), and the array only through
// blocks, each given to one caller; other threads read only the array's address and `owner`,
// an atomic.
unsafe impl<const N: usize> Sync for Arena<N> {}

thread_local! {
    /// Its address tells the threads apart: each live thread has its own.
    static KEY: u8 = const { 0 };
}

/// A number no other live thread has (the address of its [`KEY`]).
fn thread_key() -> usize {
    KEY.with(|k| std::ptr::from_ref(k) as usize)
}

impl<const N: usize> Arena<N> {
    /// An unclaimed arena with nothing handed out; all zero, so a static one is in `.bss` and
    /// costs no memory until it is used.
    pub const fn new() -> Self {
        Arena {
            owner: AtomicUsize::new(0),
            next: Cell::new(0),
            ready: Cell::new(0),
            listed: [const { Cell::new(0) }; LIST_WORDS],
            free: [const { Cell::new(0) }; LISTS],
            space: std::cell::UnsafeCell::new(Space([0; N])),
        }
    }

    /// Makes the calling thread the arena's owner, if it has none yet (the first claim holds).
    pub fn claim(&self) {
        let _ = self
            .owner
            .compare_exchange(0, thread_key(), Relaxed, Relaxed);
    }

    fn owned_here(&self) -> bool {
        self.owner.load(Relaxed) == thread_key()
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

    /// A block of `size` bytes aligned to `align` (a power of two), or `None` on a thread that
    /// does not own the arena, or when the block is over [`LARGEST`] or does not fit.
    pub fn alloc(&self, size: usize, align: usize) -> Option<*mut u8> {
        if size > LARGEST || align > PAGE || !self.owned_here() {
            return None;
        }
        let size = rounded(size);
        let list = list_of(size);
        if align <= GRAIN {
            let block = self.free[list].get();
            if block != 0 {
                self.pop(list, block);
                return Some(block as *mut u8);
            }
        }
        self.carve(size, list, align)
    }

    /// [`Self::alloc`] of a rounded `size` whose list has no block (or that needs more than
    /// [`GRAIN`]'s alignment): the front of a block of the next list that has one, or the
    /// bytes at the offset. Every block's size and start are multiples of [`GRAIN`], so the
    /// offset is too.
    #[inline(never)]
    fn carve(&self, size: usize, list: usize, align: usize) -> Option<*mut u8> {
        let start = if align <= GRAIN {
            if let Some(larger) = self.fitting(list + 1) {
                let block = self.free[larger].get();
                self.pop(larger, block);
                // SAFETY: a listed block's second word holds its size (`push`).
                let whole = unsafe { (block as *const usize).add(1).read() };
                if whole - size >= SMALLEST {
                    self.push(block + size, whole - size);
                }
                return Some(block as *mut u8);
            }
            self.next.get()
        } else {
            (self.next.get() + align - 1) & !(align - 1)
        };
        let end = start + size;
        if end > N {
            return None;
        }
        self.next.set(end);
        if end > self.ready.get() {
            self.populate(end);
        }
        Some(self.space.get().cast::<u8>().wrapping_add(start))
    }

    /// The first list from `list` on that has a block.
    fn fitting(&self, list: usize) -> Option<usize> {
        let mut word = list / 64;
        let mut bits = self.listed.get(word)?.get() & (!0u64 << (list % 64));
        while bits == 0 {
            word += 1;
            bits = self.listed.get(word)?.get();
        }
        Some(word * 64 + bits.trailing_zeros() as usize)
    }

    /// Takes `block`, the first of list `list`, off it.
    fn pop(&self, list: usize, block: usize) {
        // SAFETY: a listed block is a freed block of the array, aligned to `GRAIN`; its first
        // word is the list's next address.
        let after = unsafe { (block as *const usize).read() };
        self.free[list].set(after);
        if after == 0 {
            let w = &self.listed[list / 64];
            w.set(w.get() & !(1 << (list % 64)));
        }
    }

    /// Lists the free block of `size` bytes at `block` (a multiple of [`GRAIN`], at least
    /// [`SMALLEST`], at most [`LARGEST`]) on the last list whose size it has.
    fn push(&self, block: usize, size: usize) {
        let list = list_of(size);
        let head = &self.free[list];
        // SAFETY: the block is free and the arena's, at least two words, aligned to `GRAIN`.
        unsafe {
            (block as *mut usize).write(head.get());
            (block as *mut usize).add(1).write(size);
        }
        head.set(block);
        let w = &self.listed[list / 64];
        w.set(w.get() | 1 << (list % 64));
    }

    /// Takes back the block at `ptr` of `size` bytes when this thread owns the arena: the last
    /// one handed out moves the offset back, another goes on its size's list.
    pub fn free(&self, ptr: *mut u8, size: usize) {
        let Some(off) = self.offset(ptr) else {
            return;
        };
        if !self.owned_here() {
            return;
        }
        let size = rounded(size);
        if self.next.get() == off + size {
            self.next.set(off);
        } else {
            self.push(ptr as usize, size);
        }
    }

    /// Resizes the arena's block at `ptr` from `old` to `new` bytes where it is: when it
    /// shrinks, and when it grows if it is the last block, still fits and this thread owns the
    /// arena. `false`: it must move.
    pub fn resize(&self, ptr: *mut u8, old: usize, new: usize) -> bool {
        let Some(off) = self.offset(ptr) else {
            return false;
        };
        let (old, new) = (rounded(old), rounded(new));
        let owner = self.owned_here();
        let last = owner && self.next.get() == off + old;
        if new <= old {
            if last {
                self.next.set(off + new);
            } else if owner && old - new >= SMALLEST {
                self.push(ptr as usize + new, old - new);
            }
            return true;
        }
        if !last || new > LARGEST || off + new > N {
            return false;
        }
        self.next.set(off + new);
        self.populate(off + new);
        true
    }

    /// Makes the pages up to `end` present, [`STEP`] at a time, when they are not yet.
    #[cold]
    fn populate(&self, end: usize) {
        let ready = self.ready.get();
        if end <= ready {
            return;
        }
        let want = end.div_ceil(STEP).saturating_mul(STEP).min(N);
        self.ready.set(want);
        // SAFETY: the range lies within the array, which is page-aligned, and populating
        // changes no byte of it (a failure, on a kernel before 5.14, leaves the pages to be
        // faulted in as they are touched).
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

/// `size` rounded up to a multiple of [`GRAIN`] and at least [`SMALLEST`], or over [`FINE`]
/// to one of [`COARSE`].
fn rounded(size: usize) -> usize {
    if size <= FINE {
        (size.max(SMALLEST) + GRAIN - 1) & !(GRAIN - 1)
    } else {
        (size + COARSE - 1) & !(COARSE - 1)
    }
}

/// The list of the blocks of `size` bytes, a [`rounded`] size up to [`LARGEST`]; of any
/// multiple of [`GRAIN`] from [`SMALLEST`] to [`LARGEST`], the last list whose size it has.
fn list_of(size: usize) -> usize {
    if size <= FINE {
        size / GRAIN - 1
    } else {
        FINE / GRAIN + (size - FINE) / COARSE - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const N: usize = 256 << 10;

    /// A new arena, claimed by the calling thread.
    fn arena() -> Box<Arena<N>> {
        // SAFETY: an all-zero `Arena` is `Arena::new()` (zero bytes, counters and owner);
        // built on the heap, as a quarter-megabyte value would not fit a test thread's stack.
        let a = unsafe { Box::<Arena<N>>::new_zeroed().assume_init() };
        a.claim();
        a
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
            a.alloc(8, 8),
            Some(first),
            "not the last: listed, and its front serves a smaller request"
        );
        assert_eq!(
            a.alloc(88, 8),
            Some(first.wrapping_add(16)),
            "its rest, a block of its own"
        );
        let top = a.alloc(50, 8).expect("fits");
        assert!(a.resize(top, 50, 5000), "last block grows where it is");
        assert!(!a.resize(last, 100, 200), "an earlier block must move");
        assert!(a.resize(last, 100, 10), "any block shrinks where it is");
        assert_eq!(
            a.alloc(80, 8),
            Some(last.wrapping_add(16)),
            "and frees its tail"
        );
        a.free(top, 5000);
        assert_eq!(
            a.alloc(5000, 8),
            Some(top),
            "the freed last block is reused"
        );
        assert!(!a.resize(top, 5000, LARGEST + 1));
    }

    #[test]
    fn a_freed_block_serves_the_next_request_of_its_rounded_size() {
        let a = arena();
        let x = a.alloc(20, 4).expect("fits");
        let y = a.alloc(40, 8).expect("fits");
        let _keep = a.alloc(8, 8).expect("fits");
        a.free(x, 20);
        a.free(y, 40);
        assert_ne!(a.alloc(48, 8), Some(y), "48 is not 40's size");
        assert_eq!(a.alloc(17, 1), Some(x), "17 and 20 both round to 24");
        assert_eq!(a.alloc(33, 8), Some(y), "33 and 40 both round to 40");
        a.free(x, 24);
        assert_ne!(a.alloc(24, 16), Some(x), "a listed block is only 8-aligned");
        assert_eq!(a.alloc(24, 8), Some(x));
    }

    #[test]
    fn blocks_held_keep_their_bytes_and_never_overlap_through_frees_and_resizes() {
        let a = arena();
        let mut held: Vec<(usize, usize)> = Vec::new();
        // Each block holds bytes derived from its address; a list's link or size written into
        // a held block would change them.
        let fill = |p: usize, size: usize| {
            // SAFETY: the test holds the block's `size` bytes.
            unsafe { (p as *mut u8).write_bytes(p as u8 | 1, size) }
        };
        let intact = |p: usize, size: usize| {
            // SAFETY: as for `fill`.
            let bytes = unsafe { std::slice::from_raw_parts(p as *const u8, size) };
            assert!(
                bytes.iter().all(|b| *b == p as u8 | 1),
                "block at {p:#x} changed"
            );
        };
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..20_000 {
            match next(4) {
                0 | 1 => {
                    let range = if next(8) == 0 { 3000 } else { 120 };
                    let size = 1 + next(range);
                    let align = [1, 2, 4, 8, 16][next(5)];
                    if let Some(p) = a.alloc(size, align) {
                        assert_eq!(p as usize % align, 0);
                        fill(p as usize, size);
                        held.push((p as usize, size));
                    }
                }
                2 if !held.is_empty() => {
                    let (p, size) = held.swap_remove(next(held.len()));
                    intact(p, size);
                    a.free(p as *mut u8, size);
                }
                _ if !held.is_empty() => {
                    let i = next(held.len());
                    let (p, size) = held[i];
                    let new = 1 + next(2 * size);
                    if a.resize(p as *mut u8, size, new) {
                        intact(p, size.min(new));
                        fill(p, new);
                        held[i].1 = new;
                    }
                }
                _ => {}
            }
            if held.len().is_multiple_of(64) {
                let mut sorted = held.clone();
                sorted.sort_unstable();
                for w in sorted.windows(2) {
                    assert!(w[0].0 + w[0].1 <= w[1].0, "{w:?} overlap");
                }
            }
        }
    }

    #[test]
    fn the_fields_a_run_touches_share_the_first_page() {
        use std::mem::offset_of;
        let end_of = |list: usize| offset_of!(Arena<N>, free) + (list + 1) * 8;
        assert!(offset_of!(Arena<N>, listed) < offset_of!(Arena<N>, free));
        assert!(
            end_of(list_of(rounded(64 << 10))) <= PAGE,
            "the lists up to 64 KiB end at {}",
            end_of(list_of(rounded(64 << 10)))
        );
        assert_eq!(offset_of!(Arena<N>, space) % PAGE, 0);
    }

    #[test]
    fn every_rounded_size_has_a_list_of_its_own() {
        let sizes: Vec<usize> = (1..=LARGEST).map(rounded).collect();
        let lists: Vec<usize> = sizes.iter().map(|s| list_of(*s)).collect();
        assert!(sizes
            .iter()
            .zip(1..)
            .all(|(r, s)| *r >= s && r % GRAIN == 0));
        assert_eq!(lists.first(), Some(&list_of(SMALLEST)));
        assert_eq!(lists.last(), Some(&(LISTS - 1)));
        assert!(lists.windows(2).all(|w| w[1] == w[0] || w[1] == w[0] + 1));
        assert!(sizes
            .windows(2)
            .zip(lists.windows(2))
            .all(|(s, l)| (s[0] == s[1]) == (l[0] == l[1])));
    }

    #[test]
    fn short_lived_blocks_do_not_use_the_array_up() {
        let a = arena();
        let mut pins = 0;
        for i in 0..10_000 {
            let size = if i % 7 == 0 {
                2000 + i % 9000
            } else {
                1 + i % 300
            };
            let short = a.alloc(size, 8).expect("fits");
            a.alloc(8, 8).expect("fits");
            pins += SMALLEST;
            a.free(short, size);
        }
        assert!(
            a.next.get() <= pins + 300 * 304 + 18 * 11_000,
            "{} bytes used by {pins} bytes of pins",
            a.next.get()
        );
    }

    #[test]
    fn only_the_owner_allocates_and_frees() {
        let a: &'static Arena<N> = Box::leak(arena());
        let mine = a.alloc(64, 8).expect("the owner's");
        let at = mine as usize;
        let other = std::thread::spawn(move || {
            let mine = at as *mut u8;
            a.claim();
            let theirs = a.alloc(64, 8);
            a.free(mine, 64);
            let grew = a.resize(mine, 64, 128);
            let shrank = a.resize(mine, 64, 32);
            (theirs.is_none(), grew, shrank)
        })
        .join()
        .expect("thread");
        assert_eq!(
            other,
            (true, false, true),
            "another thread: no block, no growth"
        );
        assert_eq!(
            a.alloc(8, 8).map(|p| p > mine),
            Some(true),
            "another thread's free and shrink left the owner's block in place"
        );
    }
}
