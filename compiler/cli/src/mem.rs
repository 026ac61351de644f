//! `memcpy`, `memmove`, `memcmp` and `bcmp` for the binary linked with musl (tools/dist.sh).
//! musl's copy with `rep movsq` and a byte at a time around it, and compare a byte at a time:
//! 8% of a `check`'s samples went to its `memcpy`, against 2% to glibc's, and a `compile` into
//! a current OUT compares every file it would write. The bodies are plain functions, tested
//! here on every x86-64 build; only a musl build exports them under the C names. They use no
//! construct the compiler may lower to a call of these functions (no array or slice equality,
//! no copying loop in Rust: the loops are assembly), or a musl build would call itself.

// Exported only in a musl build; tested in every build.
#![cfg_attr(not(any(target_env = "musl", test)), allow(dead_code))]

use std::ffi::c_int;

/// Copies `n` bytes from `s` to `d`, which do not overlap.
///
/// # Safety
/// `s` is readable and `d` writable for `n` bytes, and the two do not overlap.
#[inline(always)]
pub unsafe fn copy_nonoverlapping(d: *mut u8, s: *const u8, n: usize) {
    if n <= 32 {
        small(d, s, n);
    } else if n <= 2048 {
        forward(d, s, n);
    } else {
        // `rep movsb` is the fastest long copy on x86-64 with ERMS (Intel since 2012, AMD since
        // Zen 3) and correct on every x86-64; below about 2 KiB its start-up costs more than
        // the vector loop (glibc switches there too).
        std::arch::asm!("rep movsb", inout("rcx") n => _, inout("rdi") d => _, inout("rsi") s => _,
            options(nostack, preserves_flags));
    }
}

/// Copies `n` ≤ 32 bytes with two overlapping loads and stores of the widest size that fits.
/// Every load comes before any store, so `s` and `d` may overlap.
///
/// # Safety
/// `s` is readable and `d` writable for `n` bytes.
#[inline(always)]
unsafe fn small(d: *mut u8, s: *const u8, n: usize) {
    if n >= 16 {
        ends::<u128>(d, s, n);
    } else if n >= 8 {
        ends::<u64>(d, s, n);
    } else if n >= 4 {
        ends::<u32>(d, s, n);
    } else if n > 0 {
        let (a, b, c) = (*s, *s.add(n / 2), *s.add(n - 1));
        *d = a;
        *d.add(n / 2) = b;
        *d.add(n - 1) = c;
    }
}

/// Copies the first and the last `size_of::<T>()` of `n` bytes, both loads first.
///
/// # Safety
/// `s` is readable and `d` writable for `n` bytes, and `n` is at least `T`'s size.
#[inline(always)]
unsafe fn ends<T>(d: *mut u8, s: *const u8, n: usize) {
    let last = n - std::mem::size_of::<T>();
    let a = s.cast::<T>().read_unaligned();
    let b = s.add(last).cast::<T>().read_unaligned();
    d.cast::<T>().write_unaligned(a);
    d.add(last).cast::<T>().write_unaligned(b);
}

/// Copies `n` > 16 bytes 16 at a time from the start, the last 16 loaded first and stored last
/// (they cover what the loop leaves). Right when `d` is not above `s`: each block is read before
/// any store reaches it.
///
/// # Safety
/// `s` is readable and `d` writable for `n` > 16 bytes; `d` is not above `s` where they overlap.
#[inline(always)]
unsafe fn forward(d: *mut u8, s: *const u8, n: usize) {
    std::arch::asm!(
        "movups {tail}, [{s} + {n} - 16]",
        "xor {i}, {i}",
        "2:",
        "movups {block}, [{s} + {i}]",
        "movups [{d} + {i}], {block}",
        "add {i}, 16",
        "lea {end}, [{i} + 16]",
        "cmp {end}, {n}",
        "jb 2b",
        "movups [{d} + {n} - 16], {tail}",
        s = in(reg) s, d = in(reg) d, n = in(reg) n,
        i = out(reg) _, end = out(reg) _, tail = out(xmm_reg) _, block = out(xmm_reg) _,
        options(nostack),
    );
}

/// Copies `n` > 16 bytes 16 at a time from the end, the first 16 loaded first and stored last.
/// Right when `d` is not below `s`.
///
/// # Safety
/// `s` is readable and `d` writable for `n` > 16 bytes; `d` is not below `s` where they overlap.
#[inline(always)]
unsafe fn backward(d: *mut u8, s: *const u8, n: usize) {
    std::arch::asm!(
        "movups {head}, [{s}]",
        "mov {end}, {n}",
        "2:",
        "sub {end}, 16",
        "movups {block}, [{s} + {end}]",
        "movups [{d} + {end}], {block}",
        "cmp {end}, 16",
        "ja 2b",
        "movups [{d}], {head}",
        s = in(reg) s, d = in(reg) d, n = in(reg) n,
        end = out(reg) _, head = out(xmm_reg) _, block = out(xmm_reg) _,
        options(nostack),
    );
}

/// Copies `n` bytes from `s` to `d`, which may overlap in any way.
///
/// # Safety
/// `s` is readable and `d` writable for `n` bytes.
#[inline(always)]
pub unsafe fn copy(d: *mut u8, s: *const u8, n: usize) {
    if n <= 32 {
        small(d, s, n);
    } else if (d as usize).wrapping_sub(s as usize) < n {
        // `d` lies inside the source, above its start.
        backward(d, s, n);
    } else if (s as usize).wrapping_sub(d as usize) < n {
        // `s` lies inside the destination: `rep movsb` is slow on such a copy.
        forward(d, s, n);
    } else {
        copy_nonoverlapping(d, s, n);
    }
}

/// `memcmp`: the sign of the first differing byte of `a` and `b` (as unsigned), or 0.
///
/// # Safety
/// `a` and `b` are readable for `n` bytes.
#[inline(always)]
pub unsafe fn compare(a: *const u8, b: *const u8, n: usize) -> c_int {
    let mut i = 0;
    while i + 32 <= n {
        let x0 = a.add(i).cast::<u128>().read_unaligned();
        let x1 = a.add(i + 16).cast::<u128>().read_unaligned();
        let y0 = b.add(i).cast::<u128>().read_unaligned();
        let y1 = b.add(i + 16).cast::<u128>().read_unaligned();
        if (x0 ^ y0) | (x1 ^ y1) != 0 {
            break;
        }
        i += 32;
    }
    while i + 8 <= n {
        // Read big-endian, the first byte is the most significant: the words order as the
        // bytes do.
        let x = u64::from_be(a.add(i).cast::<u64>().read_unaligned());
        let y = u64::from_be(b.add(i).cast::<u64>().read_unaligned());
        if x != y {
            return if x < y { -1 } else { 1 };
        }
        i += 8;
    }
    while i < n {
        let (x, y) = (*a.add(i), *b.add(i));
        if x != y {
            return c_int::from(x) - c_int::from(y);
        }
        i += 1;
    }
    0
}

/// `bcmp`: whether `a` and `b` hold the same `n` bytes. A `compile` into an OUT already current
/// compares every file it would write with the one there, nearly always equal: [`equal_long`]
/// takes 64 bytes an iteration with SSE2 (part of every x86-64), where [`compare`], which must
/// also find the order, takes 32 in general-purpose registers. Under 16 bytes, two overlapping
/// words of each; this part is inlined where LLVM inlines `bcmp` (most string comparisons),
/// the loop is not (inlined everywhere it added 200 KiB of code).
///
/// # Safety
/// `a` and `b` are readable for `n` bytes.
#[inline(always)]
pub unsafe fn equal(a: *const u8, b: *const u8, n: usize) -> bool {
    if n >= 16 {
        return equal_long(a, b, n);
    }
    let u64_at = |at: usize| {
        a.add(at).cast::<u64>().read_unaligned() ^ b.add(at).cast::<u64>().read_unaligned()
    };
    let u32_at = |at: usize| {
        a.add(at).cast::<u32>().read_unaligned() ^ b.add(at).cast::<u32>().read_unaligned()
    };
    if n >= 8 {
        u64_at(0) | u64_at(n - 8) == 0
    } else if n >= 4 {
        u32_at(0) | u32_at(n - 4) == 0
    } else {
        n == 0 || (*a == *b && *a.add(n / 2) == *b.add(n / 2) && *a.add(n - 1) == *b.add(n - 1))
    }
}

/// [`equal`] of `n` ≥ 16 bytes; the last 16 compared overlap what the loops compared.
///
/// # Safety
/// `a` and `b` are readable for `n` ≥ 16 bytes.
#[inline(never)]
unsafe fn equal_long(a: *const u8, b: *const u8, n: usize) -> bool {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8,
    };
    let same = |i: usize| {
        _mm_cmpeq_epi8(
            _mm_loadu_si128(a.add(i).cast::<__m128i>()),
            _mm_loadu_si128(b.add(i).cast::<__m128i>()),
        )
    };
    let mut i = 0;
    while i + 64 <= n {
        let all = _mm_and_si128(
            _mm_and_si128(same(i), same(i + 16)),
            _mm_and_si128(same(i + 32), same(i + 48)),
        );
        if _mm_movemask_epi8(all) != 0xffff {
            return false;
        }
        i += 64;
    }
    while i + 16 <= n {
        if _mm_movemask_epi8(same(i)) != 0xffff {
            return false;
        }
        i += 16;
    }
    i == n || _mm_movemask_epi8(same(n - 16)) == 0xffff
}

#[cfg(target_env = "musl")]
mod exported {
    use std::ffi::c_int;

    #[no_mangle]
    unsafe extern "C" fn memcpy(d: *mut u8, s: *const u8, n: usize) -> *mut u8 {
        super::copy_nonoverlapping(d, s, n);
        d
    }

    /// musl's `memmove` jumps into its `memcpy` under another name, so both are replaced.
    #[no_mangle]
    unsafe extern "C" fn memmove(d: *mut u8, s: *const u8, n: usize) -> *mut u8 {
        super::copy(d, s, n);
        d
    }

    #[no_mangle]
    unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> c_int {
        super::compare(a, b, n)
    }

    #[no_mangle]
    unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> c_int {
        c_int::from(!super::equal(a, b, n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(len: usize, seed: u8) -> Vec<u8> {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) ^ (i >> 8) as u8)
            .collect()
    }

    /// Every length to 300 and a few past 2 KiB, with the source and destination apart, equal,
    /// and overlapping by every kind of distance both ways (below 16, below 64, more), against
    /// `copy_within`; the non-overlapping cases through `copy_nonoverlapping` too.
    #[test]
    fn copies_match_std_for_every_length_and_overlap() {
        let lengths = (0..300).chain([1000, 2047, 2048, 2049, 3000, 5001]);
        let shifts = [0, 1, 7, 8, 15, 16, 17, 31, 63, 64, 65, 200, 3000, 6000];
        for n in lengths {
            for shift in shifts {
                for (from, to) in [(0, shift), (shift, 0), (5, 5 + shift), (5 + shift, 5)] {
                    let mut want = pattern(12_000, n as u8);
                    let mut got = want.clone();
                    want.copy_within(from..from + n, to);
                    // SAFETY: both ranges lie inside `got`.
                    unsafe { copy(got.as_mut_ptr().add(to), got.as_ptr().add(from), n) };
                    assert!(got == want, "copy of {n} bytes from {from} to {to}");
                    if from.abs_diff(to) >= n {
                        let mut got = pattern(12_000, n as u8);
                        // SAFETY: as above, and the ranges do not overlap.
                        unsafe {
                            copy_nonoverlapping(got.as_mut_ptr().add(to), got.as_ptr().add(from), n)
                        };
                        assert!(
                            got == want,
                            "copy of {n} separate bytes from {from} to {to}"
                        );
                    }
                }
            }
        }
    }

    /// Equal buffers of every length to 100; one byte changed, and two bytes changed in
    /// opposite directions (where a comparison of little-endian words gets the order wrong), at
    /// every position; and random buffers of random lengths, against slice ordering.
    #[test]
    fn comparisons_order_as_slices_do() {
        let check = |a: &[u8], b: &[u8]| {
            // SAFETY: both are `a.len()` bytes long.
            let got = unsafe { compare(a.as_ptr(), b.as_ptr(), a.len()) };
            assert_eq!(got.signum(), a.cmp(b) as c_int, "{a:?} against {b:?}");
        };
        for n in 0..100 {
            let a = pattern(n, 0x80);
            check(&a, &a.clone());
            for at in 0..n {
                for delta in [1u8, 0x7f, 0x80, 0xff] {
                    let mut b = a.clone();
                    b[at] = b[at].wrapping_add(delta);
                    check(&a, &b);
                    if at + 1 < n {
                        b[at + 1] = b[at + 1].wrapping_sub(delta);
                        check(&a, &b);
                        check(&b, &a);
                    }
                }
            }
        }
        let mut rng = fastrand::Rng::with_seed(19);
        for _ in 0..20_000 {
            let n = rng.usize(0..80);
            let a: Vec<u8> = (0..n).map(|_| rng.u8(0..4)).collect();
            let b: Vec<u8> = (0..n).map(|_| rng.u8(0..4)).collect();
            check(&a, &b);
        }
    }

    /// Equal buffers of every length to 300, read from several offsets, and the same with each
    /// bit of each byte changed in turn, both ways round; random buffers against slice
    /// equality.
    #[test]
    fn equality_is_slice_equality() {
        let eq = |a: &[u8], b: &[u8]| {
            // SAFETY: both are `a.len()` bytes long.
            unsafe { equal(a.as_ptr(), b.as_ptr(), a.len()) }
        };
        for n in 0..300 {
            for offset in [0, 1, 7, 15] {
                let a = pattern(n + 16, n as u8);
                let a = &a[offset..offset + n];
                let b = a.to_vec();
                assert!(eq(a, &b), "{n} equal bytes at offset {offset}");
                for at in 0..n {
                    for bit in 0..8 {
                        let mut c = b.clone();
                        c[at] ^= 1 << bit;
                        assert!(!eq(a, &c), "{n} bytes, bit {bit} of byte {at} changed");
                        assert!(!eq(&c, a), "{n} bytes, bit {bit} of byte {at} changed");
                    }
                }
            }
        }
        let mut rng = fastrand::Rng::with_seed(23);
        for _ in 0..20_000 {
            let n = rng.usize(0..200);
            let a: Vec<u8> = (0..n).map(|_| rng.u8(0..2)).collect();
            let b: Vec<u8> = (0..n).map(|_| rng.u8(0..2)).collect();
            assert_eq!(eq(&a, &b), a.iter().zip(&b).all(|(x, y)| x == y));
        }
    }
}
