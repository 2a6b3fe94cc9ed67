// A core folder that core/CMakeLists.txt does not declare: the layering check must say so.
