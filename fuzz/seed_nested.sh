#!/bin/sh
# Writes seeds for the `nested` fuzz target into fuzz/corpus/nested: each a 2-byte repeat
# count (little-endian) and open 0xFF middle 0xFF close, for deep HTML, JSON, JSON Lines
# and query nesting and for a large flat page.
set -e
dir="$(dirname "$0")/corpus/nested"
mkdir -p "$dir"
seed() { # name, count as two octal escapes, open, middle, close
    printf "$2%s\377%s\377%s" "$3" "$4" "$5" >"$dir/$1"
}
seed html-divs '\140\352' '<div>' '<p>djupt inne</p>' '</div>'          # 60 000
seed html-mixed '\040\116' '<b><section><ul><li>' 'text' '</li></ul></section></b>'
seed html-unclosed '\020\047' '<div><span>' '<!DOCTYPE html><html><body>x' ''
seed json-array '\040\116' '[' '[{"id": "1", "x": ' '}]'
seed jsonl '\020\047' '[' '{"id": "1", "x": ' '}\n{"id": "2"}'
seed query-parens '\120\303' '(' 'samverkan OR titel:"två ord"' ')' # 50 000
seed query-not '\020\047' '-(' 'a' ')'
seed html-wide '\240\206' '<span>ord</span> ' '<html><body>' ''
seed html-misclosed '\240\206' '<span>ord</spam><body>' '' ''   # end tags that close nothing
seed html-odd-name '\240\176' '<span>o</span~<id<body>' '' ''  # an end tag named "span~<id<body"
