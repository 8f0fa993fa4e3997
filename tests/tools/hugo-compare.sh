#!/usr/bin/env bash
# Side by side with Hugo: builds the tree `civic-bench` wrote (DIR/content/council_decisions) with
# Debian's Hugo, as a Hugo site with the same pages (one per decision, its section and its tag and
# category lists paginated by 50), then adds search as a Hugo user would, with Pagefind's CLI.
# Prints wall time and peak memory of each; compare them with civic-bench's on the same DIR.
#
#     cargo run --release -p civic-generator --bin civic-bench -- 10000 --dir /dev/shm/cb --runs 1 --edits 0 --serve-edits 0
#     bash tests/tools/hugo-compare.sh /dev/shm/cb
#
# Installs Hugo and GNU time (apt, as root) and Pagefind 1.6.0 (npm, into DIR/hugo-tools) when missing.
set -euo pipefail

dir=${1:?usage: bash tests/tools/hugo-compare.sh DIR (the --dir given to civic-bench)}
decisions="$dir/content/council_decisions"
[ -d "$decisions" ] || { echo "no $decisions: run civic-bench with --dir $dir first" >&2; exit 2; }

# Hugo, and GNU time for the peak memory.
if ! command -v hugo >/dev/null || [ ! -x /usr/bin/time ]; then
    [ "$(id -u)" = 0 ] || { echo "hugo or GNU time is missing; as root: apt-get install -y hugo time" >&2; exit 2; }
    apt-get update -qq && apt-get install -y -qq hugo time >/dev/null
fi
tools="$dir/hugo-tools"
pagefind="$tools/node_modules/.bin/pagefind"
if [ ! -x "$pagefind" ]; then
    npm install --silent --prefix "$tools" pagefind@1.6.0 >/dev/null
fi

site="$dir/hugo"
rm -rf "$site"
mkdir -p "$site/content" "$site/layouts/_default"
ln -s "$(cd "$decisions" && pwd)" "$site/content/hotarari"
cat > "$site/config.toml" <<'TOML'
baseURL = "https://www.primariatm.ro/"
languageCode = "ro"
title = "Primăria Municipiului Timișoara"
paginate = 50
disableKinds = ["RSS"]
[taxonomies]
  tag = "tags"
  categorie = "category"
[frontmatter]
  date = ["adopted_on", ":default"]
TOML
cat > "$site/layouts/_default/baseof.html" <<'HTML'
<!DOCTYPE html>
<html lang="ro">
<head><meta charset="utf-8"><title>{{ .Title }} — {{ site.Title }}</title></head>
<body>
<header><a href="/">{{ site.Title }}</a>
<nav><ul>{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>{{ site.Title }}</footer>
</body>
</html>
HTML
cat > "$site/layouts/_default/single.html" <<'HTML'
{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p>{{ .Date.Format "2 January 2006" }}{{ with .Params.category }} · {{ . }}{{ end }}</p>
{{ with .Params.summary }}<p>{{ . }}</p>{{ end }}
{{ .Content }}
<ul>{{ range .Params.tags }}<li><a href="{{ "tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ul>
</article>{{ end }}
HTML
cat > "$site/layouts/_default/list.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}<p>{{ .Params.summary }}</p></li>{{ end }}</ul>
{{ template "_internal/pagination.html" . }}{{ end }}
HTML

measure() {
    local label=$1
    shift
    /usr/bin/time -f "%e %M" -o "$dir/hugo-time" "$@" >/dev/null
    read -r secs kb < "$dir/hugo-time"
    printf '%s: %s s, peak %d MB\n' "$label" "$secs" $((kb / 1024))
    total=$(awk -v a="$total" -v b="$secs" 'BEGIN { print a + b }')
}
pages=$(find "$decisions" -name '*.md' | wc -l)
echo "Hugo $(hugo version | grep -o 'v[0-9.]*' | head -1) on $pages decisions"
for run in 1 2; do
    rm -rf "$site/public"
    total=0
    measure "run $run, Hugo without search" hugo --quiet --source "$site"
    measure "run $run, Pagefind CLI on Hugo's pages" "$pagefind" --site "$site/public" --silent
    echo "run $run, Hugo + Pagefind (a build with search): $total s"
done
