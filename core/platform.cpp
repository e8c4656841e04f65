// One implementation per OS family: Windows (Win32 + the C runtime's wide functions) and POSIX
// (Linux, macOS, the BSDs). File names are UTF-8 in, UTF-16 inside on Windows, bytes on POSIX.
#include "platform.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
// Version 2: GetProcessMemoryInfo is kernel32's K32GetProcessMemoryInfo (no psapi.lib needed).
#ifndef PSAPI_VERSION
#define PSAPI_VERSION 2
#endif
#include <windows.h>

#include <io.h>
#include <process.h>
#include <psapi.h>
#include <shellapi.h>
#else
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace core::platform {

std::filesystem::path pathFromUtf8(std::string_view utf8)
{
    // The char8_t constructor is the one that means UTF-8 on every OS; a plain std::string
    // would be read in the ANSI code page by MSVC on Windows.
    return std::filesystem::path(std::u8string(reinterpret_cast<const char8_t *>(utf8.data()), utf8.size()));
}

std::string pathToUtf8(const std::filesystem::path &path)
{
    const std::u8string text = path.u8string();
    return std::string(text.begin(), text.end());
}

#ifdef _WIN32

namespace {

std::string utf8FromWide(const wchar_t *text, int length)
{
    if (length == 0)
        return {};
    const int size = WideCharToMultiByte(CP_UTF8, 0, text, length, nullptr, 0, nullptr, nullptr);
    std::string result(std::size_t(size > 0 ? size : 0), '\0');
    if (size > 0)
        WideCharToMultiByte(CP_UTF8, 0, text, length, result.data(), size, nullptr, nullptr);
    return result;
}

// The system's text for a GetLastError() code, in UTF-8 without the trailing line break.
std::string windowsErrorText(DWORD code)
{
    wchar_t *buffer = nullptr;
    const DWORD length
        = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                         nullptr, code, 0, reinterpret_cast<wchar_t *>(&buffer), 0, nullptr);
    std::string text = buffer ? utf8FromWide(buffer, int(length)) : std::string();
    LocalFree(buffer);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '.'))
        text.pop_back();
    return text.empty() ? "Windows error " + std::to_string(code) : text;
}

} // namespace

std::FILE *openFile(const std::string &utf8Path, const char *mode)
{
    const std::wstring wideMode(mode, mode + std::strlen(mode)); // modes are ASCII
    return _wfopen(pathFromUtf8(utf8Path).c_str(), wideMode.c_str());
}

std::string replaceFileAtomically(const std::string &utf8Path, std::string_view bytes)
{
    const std::string temporaryUtf8 = utf8Path + ".tmp-" + std::to_string(processId());
    const std::wstring target = pathFromUtf8(utf8Path).wstring();
    const std::wstring temporary = pathFromUtf8(temporaryUtf8).wstring();
    const HANDLE file
        = CreateFileW(temporary.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (file == INVALID_HANDLE_VALUE)
        return "cannot create " + temporaryUtf8 + ": " + windowsErrorText(GetLastError());

    const auto fail = [&](const std::string &what) {
        const std::string reason = windowsErrorText(GetLastError());
        CloseHandle(file);
        DeleteFileW(temporary.c_str());
        return what + ": " + reason;
    };
    std::size_t written = 0;
    while (written < bytes.size()) {
        const DWORD chunk = DWORD(std::min<std::size_t>(bytes.size() - written, 1u << 30));
        DWORD done = 0;
        if (!WriteFile(file, bytes.data() + written, chunk, &done, nullptr) || done == 0)
            return fail("writing " + temporaryUtf8 + " failed after " + std::to_string(written) + " of "
                        + std::to_string(bytes.size()) + " bytes");
        written += done;
    }
    // FlushFileBuffers is Windows' fsync: the data is on the disk before the rename makes it current.
    if (!FlushFileBuffers(file))
        return fail("flushing " + temporaryUtf8 + " to the disk failed");
    if (!CloseHandle(file)) {
        const std::string reason = windowsErrorText(GetLastError());
        DeleteFileW(temporary.c_str());
        return "closing " + temporaryUtf8 + " failed: " + reason;
    }
    // ::rename and std::filesystem::rename may refuse an existing target on Windows; this
    // replaces it, and WRITE_THROUGH returns only once the rename is on the disk.
    if (!MoveFileExW(temporary.c_str(), target.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
        const std::string reason = windowsErrorText(GetLastError());
        DeleteFileW(temporary.c_str());
        return "renaming " + temporaryUtf8 + " over it failed: " + reason;
    }
    return {};
}

double peakResidentBytes()
{
    PROCESS_MEMORY_COUNTERS counters{};
    counters.cb = sizeof counters;
    if (!GetProcessMemoryInfo(GetCurrentProcess(), &counters, sizeof counters))
        return 0;
    return double(counters.PeakWorkingSetSize);
}

bool isTerminal(std::FILE *stream)
{
    return _isatty(_fileno(stream)) != 0;
}

long processId()
{
    return long(_getpid());
}

std::vector<std::string> utf8Arguments(int argc, char **argv)
{
    int count = 0;
    wchar_t **wide = CommandLineToArgvW(GetCommandLineW(), &count);
    if (!wide || count != argc) { // not expected; argv is still better than nothing
        if (wide)
            LocalFree(wide);
        return std::vector<std::string>(argv, argv + argc);
    }
    std::vector<std::string> arguments;
    for (int i = 0; i < count; ++i)
        arguments.push_back(utf8FromWide(wide[i], int(std::wcslen(wide[i]))));
    LocalFree(wide);
    return arguments;
}

#else // POSIX

std::FILE *openFile(const std::string &utf8Path, const char *mode)
{
    return std::fopen(utf8Path.c_str(), mode);
}

std::string replaceFileAtomically(const std::string &utf8Path, std::string_view bytes)
{
    const std::string temporary = utf8Path + ".tmp-" + std::to_string(processId());
    const int descriptor = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (descriptor < 0)
        return "cannot create " + temporary + ": " + std::strerror(errno);

    const auto fail = [&](const std::string &what) {
        const std::string reason = std::strerror(errno);
        ::close(descriptor);
        ::unlink(temporary.c_str());
        return what + ": " + reason;
    };
    std::size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t result = ::write(descriptor, bytes.data() + written, bytes.size() - written);
        if (result < 0 && errno == EINTR)
            continue;
        if (result <= 0)
            return fail("writing " + temporary + " failed after " + std::to_string(written) + " of "
                        + std::to_string(bytes.size()) + " bytes");
        written += std::size_t(result);
    }
    if (::fsync(descriptor) != 0)
        return fail("fsync of " + temporary + " failed");
    if (::close(descriptor) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(temporary.c_str());
        return "closing " + temporary + " failed: " + reason;
    }
    if (::rename(temporary.c_str(), utf8Path.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(temporary.c_str());
        return "renaming " + temporary + " over it failed: " + reason;
    }
    // Make the rename itself durable; a failure here leaves a complete file either way.
    const std::filesystem::path directory = std::filesystem::path(utf8Path).parent_path();
    const int directoryDescriptor = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_CLOEXEC);
    if (directoryDescriptor >= 0) {
        ::fsync(directoryDescriptor);
        ::close(directoryDescriptor);
    }
    return {};
}

double peakResidentBytes()
{
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) != 0)
        return 0;
#ifdef __APPLE__
    return double(usage.ru_maxrss); // bytes on macOS
#else
    return double(usage.ru_maxrss) * 1024.0; // KiB on Linux and the BSDs
#endif
}

bool isTerminal(std::FILE *stream)
{
    return ::isatty(::fileno(stream)) != 0;
}

long processId()
{
    return long(::getpid());
}

std::vector<std::string> utf8Arguments(int argc, char **argv)
{
    return std::vector<std::string>(argv, argv + argc);
}

#endif

} // namespace core::platform
