#include "ui/model_location_row.h"

#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <exception>

#include "core/hub/model_resolver.h"
#include "ui/readable_colour.h"

namespace abc::ui {

QString optionalAbsentText() {
    return QObject::tr("Not installed (optional: used only for image+instruction)");
}

CheckpointCheck checkCheckpoint(const QString& folderOrHubId, CheckpointKind kind) {
    CheckpointCheck check;
    const bool optional = kind == CheckpointKind::InstructAdapter;
    if (folderOrHubId.trimmed().isEmpty()) {
        check.optionalAbsent = optional;
        check.detail = optional ? optionalAbsentText() : QObject::tr("Not set");
        return check;
    }
    try {
        const ResolvedModel resolved = resolveModel(folderOrHubId.trimmed().toStdString());
        check.folder = QString::fromStdString(resolved.folder.string());
    } catch (const std::exception& error) {
        // Nothing at that place (not downloaded, no such folder). A folder that is there but
        // lacks the adapter's files, below, stays an error: something is broken.
        check.optionalAbsent = optional;
        check.detail = optional ? optionalAbsentText() : QString::fromUtf8(error.what());
        check.reason = optional ? QString::fromUtf8(error.what()) : QString();
        return check;
    }
    const QDir folder(check.folder);
    const QStringList needed =
        kind == CheckpointKind::BaseModel
            ? QStringList{QStringLiteral("config.json"), QStringLiteral("tokenizer.json")}
            : QStringList{QStringLiteral("adapter_config.json"),
                          QStringLiteral("adapter_model.safetensors")};
    for (const QString& file : needed) {
        if (!folder.exists(file)) {
            check.detail = QObject::tr("%1 has no %2").arg(check.folder, file);
            return check;
        }
    }
    check.found = true;
    check.detail = QObject::tr("Found in %1").arg(check.folder);
    return check;
}

ModelLocationRow::ModelLocationRow(CheckpointKind kind, const QString& title, QWidget* parent)
    : QWidget(parent), kind_(kind), title_(title) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* row = new QHBoxLayout;
    edit_ = new QLineEdit(this);
    edit_->setAccessibleName(title);
    edit_->setPlaceholderText(tr("A local folder or a Hugging Face id (owner/name)"));
    auto* browse = new QPushButton(tr("Choose folder…"), this);
    browse->setAccessibleName(tr("Choose the folder of %1").arg(title));
    row->addWidget(edit_, 1);
    row->addWidget(browse);
    layout->addLayout(row);
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    status_->setAccessibleName(tr("Status of %1").arg(title));
    layout->addWidget(status_);

    connect(edit_, &QLineEdit::textChanged, this, &ModelLocationRow::recheck);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, title_, edit_->text());
        if (!folder.isEmpty())
            edit_->setText(folder);
    });
    recheck();
}

QString ModelLocationRow::text() const {
    return edit_->text().trimmed();
}

void ModelLocationRow::setText(const QString& text) {
    if (edit_->text() == text)
        recheck();  // the same id may resolve now: a download just put it in the cache
    else
        edit_->setText(text);
}

void ModelLocationRow::recheck() {
    check_ = checkCheckpoint(edit_->text(), kind_);
    const QString mark = check_.found            ? QStringLiteral("✔ ")
                         : check_.optionalAbsent ? QStringLiteral("○ ")
                                                 : QStringLiteral("✘ ");
    status_->setText(mark + check_.detail);
    status_->setToolTip(check_.reason);
    colourStatus();
    emit changed();
}

void ModelLocationRow::colourStatus() {
    QPalette palette;
    if (check_.optionalAbsent) {
        // The window's own text colour: neither the green of found nor the red of an error.
        palette.setColor(QPalette::WindowText, this->palette().color(QPalette::WindowText));
        status_->setPalette(palette);
        return;
    }
    // Green and red as hues, shaded for the background the label is drawn on: the fixed
    // #2e8b57 / #c0392b were 3.7:1 on a light window and 2.6:1 on a dark one.
    const QColor hue = check_.found ? QColor(0x2e, 0x8b, 0x57) : QColor(0xc0, 0x39, 0x2b);
    // 4.8 rather than 4.5: styles shade frames a little (Fusion draws a group box's inside
    // about 1% darker than the window), and the text must still reach 4.5:1 there.
    const QColor shade = readableOn(hue, this->palette().color(QPalette::Window), 4.8);
    // Only WindowText is set on the label; the rest, the background included, is inherited.
    palette.setColor(QPalette::WindowText, shade);
    status_->setPalette(palette);
}

void ModelLocationRow::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    // A light / dark theme switch while the page is open.
    if (event->type() == QEvent::PaletteChange && status_)
        colourStatus();
}

}  // namespace abc::ui
