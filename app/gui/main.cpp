#include <QApplication>
#include <QCommandLineParser>
#include <cstdio>
#include <cstring>

#include "core/version.h"
#include "ui/main_window.h"

namespace {

void nameApplication() {
    QCoreApplication::setApplicationName(QStringLiteral("abc-photos"));
    QCoreApplication::setOrganizationName(QStringLiteral("abc-photos"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(abc::kVersion));
}

void describeCommandLine(QCommandLineParser& parser) {
    parser.setApplicationDescription(
        QStringLiteral("ABC Photos: search your photo folders with natural language, steered by "
                       "instructions.\nThe same library and model settings as abc-photos-cli."));
    parser.addHelpOption();
    parser.addVersionOption();
}

// --help and --version must answer on a machine without a display too, so they are handled
// before a QApplication (which needs one) exists.
bool asksForHelpOrVersion(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        for (const char* flag : {"-h", "--help", "--help-all", "-help", "-?", "-v", "--version"}) {
            if (std::strcmp(argv[i], flag) == 0) {
                return true;
            }
        }
    }
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    if (asksForHelpOrVersion(argc, argv)) {
        QCoreApplication core(argc, argv);
        nameApplication();
        QCommandLineParser parser;
        describeCommandLine(parser);
        parser.process(core);  // prints the help or the version and exits
        return 0;
    }

    QApplication app(argc, argv);
    nameApplication();
    QApplication::setApplicationDisplayName(QStringLiteral("ABC Photos"));
    // Ties the windows to the installed .desktop file (icon and name on Wayland).
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.abcphotos.AbcPhotos"));
    QCommandLineParser parser;
    describeCommandLine(parser);
    if (!parser.parse(QCoreApplication::arguments())) {
        std::fprintf(stderr, "abc-photos: %s\nRun with --help for more information.\n",
                     qPrintable(parser.errorText()));
        return 2;
    }

    abc::ui::MainWindow window;
    window.show();
    // Opens the library, then loads the model in the background or shows the first-run page.
    window.start();
    return QApplication::exec();
}
