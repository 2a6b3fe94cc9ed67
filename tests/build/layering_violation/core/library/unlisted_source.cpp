// A source file missing from core/CMakeLists.txt's list: the layering check must say so.
#include "core/library/index_run.h"
