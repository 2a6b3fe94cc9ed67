#include "ui/file_manager_reveal.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDesktopServices>
#include <QFileInfo>
#include <QStringList>
#include <QUrl>

namespace abc::ui {

bool showItemsOverDBus(const QUrl& file) {
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return false;
    QDBusMessage call = QDBusMessage::createMethodCall(
        QStringLiteral("org.freedesktop.FileManager1"),
        QStringLiteral("/org/freedesktop/FileManager1"),
        QStringLiteral("org.freedesktop.FileManager1"), QStringLiteral("ShowItems"));
    call << QStringList{file.toString()} << QString();  // no startup id: not launched by us
    // Bounded: a hung file manager must not freeze the window for D-Bus's default 25 s.
    return bus.call(call, QDBus::Block, 1500).type() == QDBusMessage::ReplyMessage;
}

bool revealInFileManager(const QUrl& file, const FileManager& fileManager) {
    if (fileManager && fileManager(file))
        return true;
    return QDesktopServices::openUrl(
        QUrl::fromLocalFile(QFileInfo(file.toLocalFile()).absolutePath()));
}

}  // namespace abc::ui
