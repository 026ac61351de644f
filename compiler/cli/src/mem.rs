//! `memcpy`, `memmove`, `memcmp` and `bcmp` for the binary linked with musl (tools/dist.sh).
//! musl's copy with `rep movsq` and a byte at a time around it, and compare a byte at a time:
//! 8% of a `check`'s samples went to its `memcpy`, against 2% to glibc's, and a `compile` into
//! a current OUT compares every file it would write. The bodies are plain functions, tested
//! here on every x86-64 build; only a musl build exports them under the C names.

// Exported only in a musl build; tested in every build.
#![cfg_attr(not(any(target_env = "musl", test)), allow(dead_code))]

use std::ffi::c_int;

/// Copies `n` bytes from `s` to `d`, forward.
///
/// # Safety
/// `s` is readable and `d` writable for `n` bytes; if they overlap, `d` is not above `s`.
#[inline(always)]
pub unsafe fn copy_forward(d: *mut u8, s: *const u8, n: usize) {
    if n <= 32 {
        small(d, s, n);
    } else {
        // `rep movsb` is the fast path for any length on x86-64 with ERMS (Intel since 2012,
        // AMD since Zen 3), and correct on every x86-64.
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
        let a = s.cast::<u128>().read_unaligned();
        let b = s.add(n - 16).cast::<u128>().read_unaligned();
        d.cast::<u128>().write_unaligned(a);
        d.add(n - 16).cast::<u128>().write_unaligned(b);
    } else if n >= 8 {
        let a = s.cast::<u64>().read_unaligned();
        let b = s.add(n - 8).cast::<u64>().read_unaligned();
        d.cast::<u64>().write_unaligned(a);
        d.add(n - 8).cast::<u64>().write_unaligned(b);
    } else if n >= 4 {
        let a = s.cast::<u32>().read_unaligned();
        let b = s.add(n - 4).cast::<u32>().read_unaligned();
        d.cast::<u32>().write_unaligned(a);
        d.add(n - 4).cast::<u32>().write_unaligned(b);
    } else if n > 0 {
        let (a, b, c) = (*s, *s.add(n / 2), *s.add(n - 1));
        *d = a;
        *d.add(n / 2) = b;
        *d.add(n - 1) = c;
    }
}

/// Copies `n` bytes from `s` to `d`, which may overlap in any way.
///
/// # Safety
/// `s` is readable and `d` writable for `n` bytes.
#[inline(always)]
pub unsafe fn copy(d: *mut u8, s: *const u8, n: usize) {
    if n <= 32 {
        small(d, s, n);
    } else if (d as usize).wrapping_sub(s as usize) >= n {
        copy_forward(d, s, n);
    } else {
        // `d` lies inside the source: copy from the last byte down, and clear the direction
        // flag again, as the ABI requires.
        std::arch::asm!("std", "rep movsb", "cld", inout("rcx") n => _,
            inout("rdi") d.add(n - 1) => _, inout("rsi") s.add(n - 1) => _, options(nostack));
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
        let x = a.add(i).cast::<[u128; 2]>().read_unaligned();
        let y = b.add(i).cast::<[u128; 2]>().read_unaligned();
        if x != y {
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

#[cfg(target_env = "musl")]
mod exported {
    use std::ffi::c_int;

    #[no_mangle]
    unsafe extern "C" fn memcpy(d: *mut u8, s: *const u8, n: usize) -> *mut u8 {
        super::copy_forward(d, s, n);
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
        super::compare(a, b, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(len: usize, seed: u8) -> Vec<u8> {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .collect()
    }

    /// Every length to 300 and every overlap of source and destination in a 400-byte buffer,
    /// both ways, against `copy_within`.
    #[test]
    fn copies_match_std_for_every_length_and_overlap() {
        for n in 0..300 {
            for (from, to) in [
                (0, 0),
                (0, 7),
                (7, 0),
                (0, 1),
                (1, 0),
                (3, 40),
                (40, 3),
                (0, 100),
                (100, 0),
                (50, 51),
            ] {
                let mut want = pattern(400, n as u8);
                let mut got = want.clone();
                want.copy_within(from..from + n, to);
                // SAFETY: both ranges lie inside `got`.
                unsafe { copy(got.as_mut_ptr().add(to), got.as_ptr().add(from), n) };
                assert_eq!(got, want, "copy of {n} bytes from {from} to {to}");
                if to + n <= from || from + n <= to || to <= from {
                    let mut got = pattern(400, n as u8);
                    // SAFETY: as above, and `to` is not above `from` where they overlap.
                    unsafe { copy_forward(got.as_mut_ptr().add(to), got.as_ptr().add(from), n) };
                    assert_eq!(got, want, "forward copy of {n} bytes from {from} to {to}");
                }
            }
        }
    }

    /// Every length to 100 and a difference at every position, in both directions and with
    /// bytes above 0x7F, against slice ordering.
    #[test]
    fn comparisons_order_as_slices_do() {
        for n in 0..100 {
            let a = pattern(n, 0x80);
            // SAFETY: both are `n` bytes long.
            assert_eq!(unsafe { compare(a.as_ptr(), a.clone().as_ptr(), n) }, 0);
            for at in 0..n {
                for delta in [1u8, 0x7f, 0x80, 0xff] {
                    let mut b = a.clone();
                    b[at] = b[at].wrapping_add(delta);
                    // SAFETY: both are `n` bytes long.
                    let got = unsafe { compare(a.as_ptr(), b.as_ptr(), n) };
                    assert_eq!(
                        got.signum(),
                        a.cmp(&b) as c_int,
                        "{n} bytes, differing at {at}"
                    );
                }
            }
        }
    }
}
