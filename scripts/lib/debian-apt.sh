# Shared by scripts/make-sysroot.sh and scripts/make-system-image.sh (source it,
# don't run it): fetch Debian riscv64 packages through a private apt
# configuration under build/apt/, so the host's own apt state is never touched.
#
# The mirror is the one this machine's apt already uses (read from its
# sources), so no host name is written into the repository.
#
# The sourcing script defines die (print and exit) and say (progress message).

debian_keyring=/usr/share/keyrings/debian-archive-keyring.gpg

# Die unless the Debian archive keyring and each named tool are present.
debian_apt_require() { # tool...
  [ -f "$debian_keyring" ] || die "missing $debian_keyring (install debian-archive-keyring)"
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || die "missing $tool"
  done
}

# First non-security mirror URI of the host's apt sources (deb822 or one-line).
debian_apt_find_mirror() {
  local uri=""
  if compgen -G "/etc/apt/sources.list.d/*.sources" >/dev/null; then
    uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' /etc/apt/sources.list.d/*.sources \
          | grep -v -- '-security' | head -n 1 || true)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; exit } }' \
          /etc/apt/sources.list | grep -v -- '-security' | head -n 1 || true)
  fi
  [ -n "$uri" ] || die "no Debian mirror found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
  echo "$uri"
}

# Write the private apt configuration for suite/riscv64 under apt_dir (sources
# from the host's mirror) and export APT_CONFIG pointing at it.
debian_apt_configure() { # apt_dir suite
  local apt_dir=$1 suite=$2 mirror
  mirror=$(debian_apt_find_mirror) || exit $?
  mkdir -p "$apt_dir"/{lists/partial,cache/archives/partial,sources.d,prefs.d,trusted.d,conf.d,debs}
  touch "$apt_dir/status"

  cat > "$apt_dir/sources.list" <<SOURCES
deb [signed-by=$debian_keyring] $mirror $suite main
SOURCES

  # Every directory apt would read or write points inside apt_dir.
  cat > "$apt_dir/apt.conf" <<CONF
Dir::State "$apt_dir";
Dir::State::Lists "$apt_dir/lists";
Dir::State::status "$apt_dir/status";
Dir::Cache "$apt_dir/cache";
Dir::Etc::SourceList "$apt_dir/sources.list";
Dir::Etc::SourceParts "$apt_dir/sources.d";
Dir::Etc::Preferences "$apt_dir/preferences";
Dir::Etc::PreferencesParts "$apt_dir/prefs.d";
Dir::Etc::TrustedParts "$apt_dir/trusted.d";
APT::Architecture "riscv64";
APT::Architectures { "riscv64"; };
APT::Install-Recommends "false";
APT::Sandbox::User "root";
Acquire::Languages "none";
CONF
  export APT_CONFIG=$apt_dir/apt.conf
}

# Refresh the package index when missing or older than a day.
debian_apt_update_index() { # apt_dir suite
  local apt_dir=$1 suite=$2
  if [ -z "$(find "$apt_dir/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 -print -quit)" ]; then
    say "updating package index for $suite/riscv64"
    apt-get -q update >"$apt_dir/update.log" 2>&1 || { cat "$apt_dir/update.log" >&2; die "apt-get update failed"; }
  fi
}

# "package version" lines for the candidate version of each package.
debian_apt_versions() { # package...
  apt-cache show --no-all-versions "$@" \
    | awk '/^Package:/ { name = $2 } /^Version:/ { print name, $2 }'
}

# The downloaded .deb of that exact version in apt_dir/debs, if there is one
# (apt-get download names files name_version_arch.deb); status 1 otherwise.
debian_apt_deb_file() { # apt_dir package version
  local apt_dir=$1 pkg=$2 file_version=${3//:/%3a} arch f found=""
  for arch in riscv64 all; do
    f="$apt_dir/debs/${pkg}_${file_version}_${arch}.deb"
    [ -f "$f" ] && found=$f
  done
  [ -n "$found" ] && echo "$found"
}

# Download packages into apt_dir/debs, logging to apt_dir/log_name.
debian_apt_download() { # apt_dir log_name package...
  local apt_dir=$1 log=$1/$2; shift 2
  (cd "$apt_dir/debs" && apt-get -q download "$@" >"$log" 2>&1) \
    || { cat "$log" >&2; die "apt-get download failed"; }
}
