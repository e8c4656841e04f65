// The few operating-system calls core and nnj-train need, behind one portable interface
// (Linux, macOS, Windows). Every file name crossing this interface is UTF-8 text: Windows'
// narrow C APIs read file names in the ANSI code page, so a user profile such as "C:\Users\Zoë"
// would not open through plain fopen. Nothing here knows about models or MNIST.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace core::platform {

// A path from UTF-8 text, and back. Exact on every OS (on Windows through UTF-16).
std::filesystem::path pathFromUtf8(std::string_view utf8);
std::string pathToUtf8(const std::filesystem::path &path);

// std::fopen for a UTF-8 file name (_wfopen on Windows). Null with errno set on failure.
std::FILE *openFile(const std::string &utf8Path, const char *mode);

// Writes `bytes` to `utf8Path` as an atomic replace: a temporary file next to it, flushed to the
// disk, then renamed over the old file (which is replaced even on Windows), then the directory
// entry made durable where the OS allows it. Returns an empty string on success, else what
// failed and why ("writing <temp> failed: No space left on device"); the old file is then
// untouched and no temporary file is left behind.
std::string replaceFileAtomically(const std::string &utf8Path, std::string_view bytes);

// The largest resident set (working set on Windows) this process has had, in bytes; 0 when the
// OS does not say.
double peakResidentBytes();

// Whether `stream` is an interactive terminal (progress bars are drawn only then).
bool isTerminal(std::FILE *stream);

// This process's id, for unique temporary file names.
long processId();

// The command-line arguments as UTF-8: argv itself on POSIX; on Windows the UTF-16 command
// line converted, because argv is in the ANSI code page there and loses every other character.
std::vector<std::string> utf8Arguments(int argc, char **argv);

} // namespace core::platform
