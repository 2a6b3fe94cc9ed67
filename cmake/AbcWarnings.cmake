# Warnings are errors for the project's own code; third-party headers come in as SYSTEM.
add_library(abc_warnings INTERFACE)
target_compile_options(abc_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Werror
    -Wno-missing-field-initializers)

# Sanitizers for the asan preset.
option(ABC_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(ABC_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
endif()
