#[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_os = "illumos"))]
use libc::pthread_attr_get_np as get_attr;
#[cfg(any(target_os = "linux", target_os = "solaris", target_os = "netbsd", target_os = "haiku"))]
use libc::pthread_getattr_np as get_attr;

pub unsafe fn guess_os_stack_limit() -> Option<usize> {
    #[cfg(all(target_os = "linux", target_env = "musl"))]
    if let Some(limit) = musl_main_thread_limit() {
        return Some(limit);
    }
    let mut attr = PthreadAttr::new()?;
    (get_attr(libc::pthread_self(), &mut attr.0) == 0).then_some(())?;
    let mut stackaddr = std::ptr::null_mut();
    let mut stacksize = 0;
    (libc::pthread_attr_getstack(&attr.0, &mut stackaddr, &mut stacksize) == 0).then_some(())?;
    Some(stackaddr as usize)
}

struct PthreadAttr(libc::pthread_attr_t);

impl Drop for PthreadAttr {
    fn drop(&mut self) {
        unsafe {
            let ret = libc::pthread_attr_destroy(&mut self.0);
            if ret != 0 {
                let err = std::io::Error::last_os_error();
                panic!(
                    "pthread_attr_destroy failed with error code {}: {}",
                    ret, err
                );
            }
        }
    }
}

impl PthreadAttr {
    unsafe fn new() -> Option<Self> {
        let mut attr = std::mem::MaybeUninit::<libc::pthread_attr_t>::uninit();
        if libc::pthread_attr_init(attr.as_mut_ptr()) != 0 {
            return None;
        }
        Some(PthreadAttr(attr.assume_init()))
    }
}

/// paasc's patch (PAASC.md): the main thread's stack limit on musl, where
/// `pthread_getattr_np` finds the main thread's stack by calling `mremap` on each page below
/// the part mapped so far until one fails (31 system calls at the first Python parse of a
/// `paasc check`), and then reports only that part, so that the stack looks nearly full. As
/// glibc does, the limit is the stack's top less `RLIMIT_STACK`, the size the kernel lets the
/// stack grow to; the top is the end of the page holding the program's name, which the kernel
/// copies to the top of the stack (`AT_EXECFN`). `None` on another thread, without the
/// auxiliary vector's entry, or with no finite limit: then `pthread_getattr_np` decides.
#[cfg(all(target_os = "linux", target_env = "musl"))]
unsafe fn musl_main_thread_limit() -> Option<usize> {
    if libc::syscall(libc::SYS_gettid) != libc::c_long::from(libc::getpid()) {
        return None;
    }
    let name = libc::getauxval(libc::AT_EXECFN) as usize;
    let page = libc::getauxval(libc::AT_PAGESZ) as usize;
    if name == 0 || !page.is_power_of_two() {
        return None;
    }
    let end = name.checked_add(libc::strlen(name as *const libc::c_char) + 1)?;
    let top = end.checked_add(page - 1)? & !(page - 1);
    let mut limit = std::mem::MaybeUninit::<libc::rlimit>::uninit();
    if libc::getrlimit(libc::RLIMIT_STACK, limit.as_mut_ptr()) != 0 {
        return None;
    }
    let size = limit.assume_init().rlim_cur;
    if size == libc::RLIM_INFINITY {
        return None;
    }
    top.checked_sub(usize::try_from(size).ok()?)
}
