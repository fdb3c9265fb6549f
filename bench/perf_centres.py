#!/usr/bin/env python3
# Sorts the samples of `perf script` (cpu-clock, -g; bench/ingest_profile.sh) into cost centres by
# the leaf frame and the kernel call chain; prints each centre's share of the samples and, given
# the CPU µs an operation costs (argument 1), its µs an operation, as markdown table rows.
import re, sys, collections
us_per_op = float(sys.argv[1]) if len(sys.argv) > 1 else 0
samples = []
cur = None
for line in sys.stdin:
    if not line.strip():
        if cur is not None: samples.append(cur); cur = None
        continue
    if not line.startswith(('\t', ' ')):
        cur = {'head': line, 'frames': []}
        continue
    m = re.match(r'\s*[0-9a-f]+ (.*) \((.*)\)\s*$', line)
    if m and cur is not None: cur['frames'].append((m.group(1), m.group(2)))
if cur: samples.append(cur)

def cat(frames):
    syms = ' '.join(f[0] for f in frames)
    leaf_sym, leaf_dso = frames[0] if frames else ('', '')
    kernel = 'kernel' in leaf_dso
    if re.search(r'fdatasync|do_fsync|ext4_sync_file', syms): return 'disk flush (fdatasync)'
    if kernel and re.search(r'pwrite|vfs_write|ext4_file_write', syms): return 'file writes (WAL, kernel)'
    if kernel and re.search(r'pread|vfs_read|filemap_read', syms): return 'file reads (kernel)'
    if 'libsqlite3' in leaf_dso: return 'SQLite library'
    if kernel and re.search(r'tcp_|sock_|inet_|__sys_send|__sys_recv|sendto|recvfrom|sendmsg|recvmsg|epoll|ep_poll|skb|net_rx|__x64_sys_writev|__x64_sys_read\b|__x64_sys_write\b|loopback|ip_', syms): return 'TCP + epoll (kernel)'
    if kernel and re.search(r'futex', syms): return 'thread wake/wait (futex)'
    if kernel and re.search(r'schedule|finish_task_switch', syms): return 'scheduler (kernel)'
    if kernel: return 'kernel, other'
    if re.search(r'malloc|_int_free|cfree|free@|unlink_chunk|pool_resource|operator new|operator delete|^free$', leaf_sym): return 'allocation (malloc/free)'
    if 'libpq' in leaf_dso: return 'libpq'
    if 'libsodium' in leaf_dso or 'libcrypto' in leaf_dso: return 'crypto (libsodium)'
    if re.search(r'boost::beast|basic_parser|basic_fields|buffers_cat', syms[:3000]) and ('.so' not in leaf_dso or 'libc' in leaf_dso): return 'HTTP parse/serialize (Beast)'
    if re.search(r'JsonWriter|boost::json', leaf_sym) or 'libboost_json' in leaf_dso: return 'JSON'
    if re.search(r'boost::asio|awaitable|co_spawn|any_executor|strand', leaf_sym): return 'asio executors/coroutines'
    if re.search(r'TtlCache|accounts::|session', leaf_sym): return 'session/venue caches'
    if re.search(r'kb::store|Writer|Connection', leaf_sym): return 'store adapter (kb::store)'
    if re.search(r'kb::checkin|Door|kb::health', leaf_sym): return 'check-in logic (kb::checkin)'
    if re.search(r'kb::http|read_request|run_session|Router', leaf_sym): return 'HTTP handlers/router (kb::http)'
    if 'libc' in leaf_dso: return 'libc, other (memcpy, locks)'
    if 'libstdc++' in leaf_dso: return 'libstdc++, other'
    if 'prometheus' in leaf_dso: return 'metrics'
    if 'postgres' in leaf_dso: return 'PostgreSQL backend (parse, plan, execute, WAL)'
    return 'other user code'

c = collections.Counter(cat(s['frames']) for s in samples)
n = sum(c.values())
print(f'samples {n}')
for k, v in c.most_common():
    print(f'| {k} | {100*v/n:.1f} % | {us_per_op*v/n:.1f} µs |')
