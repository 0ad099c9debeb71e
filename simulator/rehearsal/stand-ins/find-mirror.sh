# Finds the directory that contains registry.terraform.io/hashicorp/aws (a provider filesystem
# mirror); sourced by scripts/test-terraform.sh and the rehearsal's terraform wrapper.
find_mirror() {
  # Skip .terraform dirs and plugin caches of other runs (they come and go).
  local aws_dir
  aws_dir="$(find / -maxdepth 6 \( -path /proc -o -path /sys -o -path /dev -o -name .terraform -o -name 'plugin-cache' \) -prune \
    -o -type d -path '*/registry.terraform.io/hashicorp/aws' -print 2>/dev/null | head -1 || true)"
  [[ -n "$aws_dir" ]] && dirname "$(dirname "$(dirname "$aws_dir")")"
}
