# The ctest test docs_citations: every design document a source file cites must be in the
# repository, and every cited section must exist. Run as
#   cmake -DSRC=<source dir> -P tests/check_doc_citations.cmake
# It fails (listing each problem) when a file under the source folders
#   - names a design document other than docs/design.md (such as a DESIGN.md that lives
#     outside the repository), or a Markdown document under a shared/ folder;
#   - cites `docs/design.md §N` (or `§N.M`, or a list `§N, §M`) where docs/design.md has
#     no heading numbered N;
# and when docs/design.md itself refers to a section (§N) it does not have.
# README.md is not scanned: it is prose for users, not source.
if(NOT SRC)
  message(FATAL_ERROR "check_doc_citations: pass -DSRC=<source dir>")
endif()
set(doc "${SRC}/docs/design.md")
if(NOT EXISTS "${doc}")
  message(FATAL_ERROR "check_doc_citations: ${doc} is missing, yet the sources cite it")
endif()

# Section numbers of docs/design.md: headings "## 4. Title" -> 4, "### 4.2 Title" -> 4.2.
file(STRINGS "${doc}" headings REGEX "^#+ [0-9]+(\\.[0-9]+)*\\.? ")
set(sections "")
foreach(h IN LISTS headings)
  string(REGEX REPLACE "^#+ ([0-9]+(\\.[0-9]+)*)\\.? .*$" "\\1" n "${h}")
  list(APPEND sections "${n}")
endforeach()
if(NOT sections)
  message(FATAL_ERROR "check_doc_citations: no numbered headings found in ${doc}")
endif()

set(files "")
foreach(dir engine kernels models data tools tests cmake presets)
  file(GLOB_RECURSE found LIST_DIRECTORIES false "${SRC}/${dir}/*")
  list(APPEND files ${found})
endforeach()
foreach(f CMakeLists.txt Makefile .ci/run)
  if(EXISTS "${SRC}/${f}")
    list(APPEND files "${SRC}/${f}")
  endif()
endforeach()
list(FILTER files EXCLUDE REGEX "\\.(png|jpg|jpeg|gif|safetensors)$")
get_filename_component(self "${CMAKE_CURRENT_LIST_FILE}" ABSOLUTE)

set(problems "")
set(checked 0)
set(citations 0)
foreach(f IN LISTS files)
  get_filename_component(abs "${f}" ABSOLUTE)
  if(abs STREQUAL self)
    continue()
  endif()
  file(RELATIVE_PATH rel "${SRC}" "${f}")
  file(READ "${f}" text)
  math(EXPR checked "${checked} + 1")
  # Any path ending in design.md (any case) must be exactly docs/design.md.
  string(REGEX MATCHALL "[^ \t\r\n`'\"(<]*[Dd][Ee][Ss][Ii][Gg][Nn]\\.[Mm][Dd]" names "${text}")
  foreach(name IN LISTS names)
    if(NOT name STREQUAL "docs/design.md")
      list(APPEND problems "${rel}: cites '${name}', which is not docs/design.md (the design document in this repository)")
    endif()
  endforeach()
  # Markdown documents kept in a shared workspace outside the repository.
  string(REGEX MATCHALL "shared/[^ \t\r\n`'\")]*\\.md" shared "${text}")
  foreach(name IN LISTS shared)
    list(APPEND problems "${rel}: cites '${name}', a document outside the repository")
  endforeach()
  # Every cited section must be a heading of docs/design.md.
  string(REGEX MATCHALL "docs/design\\.md §[0-9]+(\\.[0-9]+)*(, §[0-9]+(\\.[0-9]+)*)*" cites "${text}")
  foreach(c IN LISTS cites)
    string(REGEX MATCHALL "§[0-9]+(\\.[0-9]+)*" refs "${c}")
    foreach(r IN LISTS refs)
      string(REPLACE "§" "" n "${r}")
      math(EXPR citations "${citations} + 1")
      list(FIND sections "${n}" at)
      if(at EQUAL -1)
        list(APPEND problems "${rel}: cites docs/design.md §${n}, but docs/design.md has no section ${n}")
      endif()
    endforeach()
  endforeach()
endforeach()

# The document's own cross-references (§N inside docs/design.md) must exist too.
file(READ "${doc}" doc_text)
string(REGEX MATCHALL "§[0-9]+(\\.[0-9]+)*" own "${doc_text}")
list(REMOVE_DUPLICATES own)
foreach(r IN LISTS own)
  string(REPLACE "§" "" n "${r}")
  list(FIND sections "${n}" at)
  if(at EQUAL -1)
    list(APPEND problems "docs/design.md: refers to §${n}, which is not one of its headings")
  endif()
endforeach()

if(problems)
  list(LENGTH problems count)
  string(REPLACE ";" "\n  " listing "${problems}")
  message(FATAL_ERROR "check_doc_citations: ${count} problem(s):\n  ${listing}")
endif()
message(STATUS "check_doc_citations: ${checked} files, ${citations} section citations of docs/design.md, all valid")
