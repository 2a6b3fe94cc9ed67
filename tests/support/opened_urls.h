// Stands in for the desktop's URL handler: receives what QDesktopServices::openUrl would hand
// the file manager or image viewer, so a test can check what "Open" asked for without opening
// anything. Register with QDesktopServices::setUrlHandler(scheme, &receiver, "open").
#pragma once

#include <QList>
#include <QObject>
#include <QUrl>

namespace abc::test {

class OpenedUrls : public QObject {
    Q_OBJECT

  public:
    QList<QUrl> urls;

  public slots:
    void open(const QUrl& url) { urls << url; }
};

}  // namespace abc::test
