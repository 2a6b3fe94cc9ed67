#include <QApplication>

#include "core/version.h"
#include "ui/main_window.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("abc-photos"));
    QApplication::setApplicationDisplayName(QStringLiteral("ABC Photos"));
    QApplication::setOrganizationName(QStringLiteral("abc-photos"));
    QApplication::setApplicationVersion(QString::fromLatin1(abc::kVersion));

    abc::ui::MainWindow window;
    window.show();
    // Opens the library, then loads the model in the background or shows the first-run page.
    window.start();
    return QApplication::exec();
}
