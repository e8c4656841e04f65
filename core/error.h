// The one exception type core throws — only from I/O and parsing (IDX files, model files,
// architecture strings), never from inside the training loop. Programmer errors are asserts.
#pragma once

#include <stdexcept>
#include <string>

namespace core {

class Error : public std::runtime_error
{
public:
    explicit Error(const std::string &message) : std::runtime_error(message) { }
};

} // namespace core
