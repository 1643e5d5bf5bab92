#!/usr/bin/env bash
# Builds the base image that Sequent's container images are built FROM, without any registry:
#   scripts/docker/build-base-image.sh [--force] [TAG]        (TAG default: local/jre17-base:1)
#
# No image can be pulled on this machine kind, so the image is assembled from what the machine has:
# a JRE linked with jlink from Debian's JDK 17, the shared libraries that JRE and the native
# libraries of our dependencies load, a static busybox for a shell and the usual tools, and a few
# /etc files. The root file system is tarred and handed to `docker import`.
# Idempotent: does nothing if TAG exists, unless --force.
#
# Environment: JDK (default /usr/lib/jvm/java-17-openjdk-amd64; must have jmods/),
# EXTRA_MODULES (comma-separated modules to add to the JRE).
set -eu

force=0
tag=
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) echo "build-base-image: unknown option $arg" >&2; exit 2 ;;
    *) tag=$arg ;;
  esac
done
tag=${tag:-local/jre17-base:1}
jdk=${JDK:-/usr/lib/jvm/java-17-openjdk-amd64}

say() { printf 'build-base-image: %s\n' "$*"; }
fail() { say "FAILED: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }

if [ "$force" -eq 0 ] && docker image inspect "$tag" >/dev/null 2>&1; then
  say "$tag exists; nothing to do (--force rebuilds it)"
  exit 0
fi
[ -x "$jdk/bin/jlink" ] || fail "no jlink in $jdk (set JDK to a JDK 17)"
[ -f "$jdk/jmods/java.base.jmod" ] || fail "$jdk has no jmods/ (Debian's openjdk-17-jdk-headless has them)"

t0=$(now_ms)
stage=$(mktemp -d /tmp/jre17-base.XXXXXX)
trap 'rm -rf "$stage"' EXIT
R=$stage/rootfs

# The JRE's modules, for a server built from Netty, gRPC (shaded in ratis-thirdparty), RocksDB JNI,
# Ratis, logback and micrometer/Prometheus, plus the example participants (H2, the JDK HTTP client
# and server). `jdeps --print-module-deps` over sequent-server's lib/ names the first six of them;
# the others are loaded reflectively or by service lookup, which jdeps can't see:
#   java.base        everything.
#   java.logging     java.util.logging: gRPC, protobuf, Netty and micrometer log through it.
#   java.management  JMX and ManagementFactory: Ratis metrics, micrometer's JVM binders.
#   jdk.management   com.sun.management beans (process CPU, memory) read by micrometer and Netty.
#   java.naming      JNDI: gRPC's DNS SRV/TXT resolver and Netty's resolver; logback checks it.
#   jdk.naming.dns   the JNDI "dns:" provider that gRPC's JndiResourceResolver looks up at run time.
#   java.sql         H2 (example participants); gson in ratis-thirdparty and micrometer link to it.
#   java.xml         logback parses its XML configuration with the JDK's SAX parser.
#   jdk.unsupported  sun.misc.Unsafe: Netty's direct buffers, protobuf, the shaded gRPC Netty.
#   java.net.http    java.net.http.HttpClient, used by participants and tests over HTTP.
#   jdk.httpserver   com.sun.net.httpserver: the metrics endpoint and the example participants.
#   jdk.crypto.ec    the SunEC provider: TLS with EC keys if gRPC is ever run with TLS.
#   jdk.jcmd         jcmd/jstack, so a hung node in a chaos run can be asked for a thread dump.
# Left out on purpose: java.desktop (only micrometer's unused Log4j2 binder needs java.beans) and
# java.security.jgss (no Kerberos anywhere; java.naming's LDAP pulls in java.security.sasl itself).
modules=java.base,java.logging,java.management,jdk.management,java.naming,jdk.naming.dns
modules=$modules,java.sql,java.xml,jdk.unsupported,java.net.http,jdk.httpserver,jdk.crypto.ec
modules=$modules,jdk.jcmd${EXTRA_MODULES:+,$EXTRA_MODULES}

# A merged-/usr layout like Debian 12's: /bin, /sbin, /lib and /lib64 are links into /usr, so the
# paths `ldd` prints on the host (/lib/x86_64-linux-gnu/..., /lib64/ld-linux-x86-64.so.2) and the
# paths scripts use (/bin/sh, /usr/bin/env) all exist in the image.
mkdir -p "$R"/usr/bin "$R"/usr/sbin "$R"/usr/lib/x86_64-linux-gnu "$R"/usr/lib64 "$R"/opt \
  "$R"/etc "$R"/root "$R"/proc "$R"/sys "$R"/dev "$R"/run "$R"/var/tmp "$R"/tmp "$R"/data
ln -s usr/bin "$R"/bin
ln -s usr/sbin "$R"/sbin
ln -s usr/lib "$R"/lib
ln -s usr/lib64 "$R"/lib64

say "jlink: $modules"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=2 --output "$R/opt/java" || fail "jlink failed"
ln -s /opt/java/bin/java "$R/usr/bin/java"
t_jlink=$(now_ms)

# Copies one host library to the same path in the image (following symlinks, so the image gets the
# file under the name the loader asks for).
copy_lib() {
  local lib=$1
  case "$lib" in "$stage"*) return 0 ;; esac   # a path back into the staging dir is not a host lib
  [ -e "$R$lib" ] && return 0
  mkdir -p "$(dirname "$R$lib")"
  cp -L "$lib" "$R$lib"
}

# The libraries `ldd` names for the JRE's launchers and shared objects (libjvm among them): libc,
# libm, libstdc++, libgcc_s, libz and the dynamic loader.
ldd_deps() {
  ldd "$1" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
}
for f in "$R"/opt/java/bin/* $(find "$R/opt/java/lib" -name '*.so'); do
  for lib in $(ldd_deps "$f"); do copy_lib "$lib"; done
done
# Loaded by name at run time, so ldd on the JRE doesn't list them:
#   libnss_files, libnss_dns, libresolv  glibc's NSS for /etc/hosts and DNS (container names);
#   libdl, libpthread, librt             linked by RocksDB's JNI library and Netty's epoll/tcnative
#                                        libraries (stubs in glibc 2.36, but the loader needs them);
#   libstdc++, libgcc_s, libm            RocksDB's JNI library (C++).
multiarch=/lib/x86_64-linux-gnu
for name in libnss_files.so.2 libnss_dns.so.2 libresolv.so.2 libdl.so.2 libpthread.so.0 \
  librt.so.1 libstdc++.so.6 libgcc_s.so.1 libm.so.6 libz.so.1; do
  if [ -e "$multiarch/$name" ]; then
    copy_lib "$multiarch/$name"
    for lib in $(ldd_deps "$multiarch/$name"); do copy_lib "$lib"; done
  fi
done
t_libs=$(now_ms)

# A static busybox (Debian's busybox-static) gives the image sh, env, kill, ps, pidof, nc, ip...
# with no library of its own. A dynamically linked busybox would not run here, so if the host has
# Debian's plain `busybox` package (which conflicts with busybox-static) the static one is only
# unpacked into the staging dir instead of installed.
busybox_is_static() { [ -x "$1" ] && ! ldd "$1" >/dev/null 2>&1; }
busybox=/bin/busybox
if ! busybox_is_static "$busybox"; then
  export DEBIAN_FRONTEND=noninteractive
  apt-cache show busybox-static >/dev/null 2>&1 || apt-get update -q >/dev/null
  if dpkg -s busybox >/dev/null 2>&1; then
    say "the host has the dynamic busybox; unpacking busybox-static into the staging dir"
    (cd "$stage" && apt-get download -q busybox-static >/dev/null) || fail "apt-get download failed"
    dpkg-deb -x "$stage"/busybox-static_*.deb "$stage/bb" || fail "dpkg-deb -x failed"
    busybox=$stage/bb/bin/busybox
  else
    say "installing busybox-static"
    apt-get install -y -q --no-install-recommends busybox-static >/dev/null \
      || fail "apt-get install busybox-static failed"
  fi
fi
busybox_is_static "$busybox" || fail "$busybox is not a static executable"
cp "$busybox" "$R/usr/bin/busybox"
# --list-full prints each applet with its usual directory (bin/sh, usr/bin/env, sbin/ip...); with the
# merged layout above they all land under /usr. Absolute link targets resolve inside the image.
for applet in $("$busybox" --list-full); do
  case "$applet" in */*) ;; *) continue ;; esac   # e.g. linuxrc: not a tool, not for /
  [ -e "$R/$applet" ] || [ -L "$R/$applet" ] || ln -s /usr/bin/busybox "$R/$applet"
done
for must in bin/sh usr/bin/env bin/kill bin/ps bin/sleep bin/cat bin/ls; do
  [ -L "$R/$must" ] || [ -e "$R/$must" ] || fail "busybox has no applet for /$must"
done

# Minimal /etc: users for `ps` and Java's user.name, NSS that reads /etc/hosts then DNS (Docker's
# embedded DNS at 127.0.0.11 answers container names on user-defined networks). Docker bind-mounts
# its own /etc/hosts, /etc/resolv.conf and /etc/hostname over these at run time.
cat >"$R/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$R/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
cat >"$R/etc/nsswitch.conf" <<'EOF'
passwd: files
group: files
hosts: files dns
EOF
cat >"$R/etc/hosts" <<'EOF'
127.0.0.1 localhost
::1 localhost ip6-localhost ip6-loopback
EOF
: >"$R/etc/resolv.conf"
# RocksDB's and Netty's JNI libraries are unpacked to java.io.tmpdir (/tmp) and dlopen'ed from
# there: /tmp must be world-writable, sticky, and on a file system that allows exec (the image's).
chmod 1777 "$R/tmp" "$R/var/tmp"
chmod 0700 "$R/root"

# With --force the old image loses its tag; remember it so it doesn't linger as a dangling image.
old_id=$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)

# --numeric-owner: the image must not depend on the host's user names.
path=/opt/java/bin:/usr/local/bin:/usr/bin:/usr/sbin:/bin:/sbin
tar -C "$R" --numeric-owner -cf - . | docker import \
  --change "ENV PATH=$path" \
  --change 'ENV JAVA_HOME=/opt/java' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'LABEL dev.sequent.image=jre17-base' \
  --change 'CMD ["/bin/sh"]' \
  - "$tag" >/dev/null || fail "docker import failed"
t_end=$(now_ms)
if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect -f '{{.Id}}' "$tag")" ]; then
  # Fails harmlessly if images built FROM the old one still exist.
  docker rmi "$old_id" >/dev/null 2>&1 || say "kept the previous image $old_id (still in use)"
fi

size=$(docker image inspect -f '{{.Size}}' "$tag")
awk -v t0="$t0" -v j="$t_jlink" -v l="$t_libs" -v e="$t_end" -v s="$size" -v tag="$tag" 'BEGIN {
  printf "build-base-image: built %s: %.1f MB in %.1f s (jlink %.1f s, libs %.1f s, busybox+import %.1f s)\n",
    tag, s / 1e6, (e - t0) / 1000, (j - t0) / 1000, (l - j) / 1000, (e - l) / 1000 }'
