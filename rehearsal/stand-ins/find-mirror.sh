# Finds the directory that contains registry.terraform.io/hashicorp/aws (a provider filesystem
# mirror), as scripts/test-terraform.sh does; sourced by the rehearsal's terraform wrapper.
find_mirror() {
  local aws_dir
  aws_dir="$(find / -maxdepth 6 \( -path /proc -o -path /sys -o -path /dev -o -name .terraform -o -name 'plugin-cache' \) -prune \
    -o -type d -path '*/registry.terraform.io/hashicorp/aws' -print 2>/dev/null | head -1 || true)"
  [[ -n "$aws_dir" ]] && dirname "$(dirname "$(dirname "$aws_dir")")"
}
