#include "ui/vector_sets_box.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <exception>

#include "core/library/vector_set_fields.h"
#include "ui/photo_count_text.h"

namespace abc::ui {

namespace {

enum Column { SettingsColumn, PhotosColumn, SizeColumn, StateColumn };

QString vectorCountText(qint64 count) {
    return count == 1 ? QObject::tr("1 vector") : QObject::tr("%1 vectors").arg(count);
}

}  // namespace

VectorSetsBox::VectorSetsBox(std::shared_ptr<LibraryStore> store, QStringList inUse,
                             QWidget* parent)
    : QGroupBox(tr("Vector sets in the library"), parent),
      store_(std::move(store)),
      inUse_(std::move(inUse)) {
    setObjectName(QStringLiteral("vectorSetsBox"));
    list_ = new QTreeWidget(this);
    list_->setObjectName(QStringLiteral("vectorSetList"));
    list_->setAccessibleName(tr("Vector sets in the library"));
    list_->setRootIsDecorated(false);
    list_->setHeaderLabels({tr("Made with"), tr("Photos"), tr("Size"), QString()});
    list_->header()->setSectionResizeMode(SettingsColumn, QHeaderView::Stretch);
    list_->header()->setStretchLastSection(false);
    for (int column : {PhotosColumn, SizeColumn, StateColumn})
        list_->header()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    list_->setMaximumHeight(120);
    remove_ = new QPushButton(tr("&Remove vector set…"), this);
    remove_->setObjectName(QStringLiteral("removeVectorSet"));
    remove_->setAccessibleName(tr("Remove the selected vector set"));
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("vectorSetStatus"));
    status_->setWordWrap(true);
    auto* note = new QLabel(tr("Each change of the model settings that decide the vectors (image "
                               "detail, precision, weights) makes a set of its own; the sets "
                               "searches use now cannot be removed."),
                            this);
    note->setWordWrap(true);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(remove_);
    buttons->addWidget(status_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(note);
    layout->addWidget(list_);
    layout->addLayout(buttons);

    connect(list_, &QTreeWidget::itemSelectionChanged, this, &VectorSetsBox::updateButton);
    connect(remove_, &QPushButton::clicked, this, &VectorSetsBox::removeSelected);
    connect(&listing_, &QFutureWatcher<Listing>::finished, this,
            [this] { showListing(listing_.result()); });
    connect(&removing_, &QFutureWatcher<Removal>::finished, this, [this] {
        const Removal removal = removing_.result();
        if (!removal.error.isEmpty()) {
            status_->setText(tr("The vector set could not be removed: %1").arg(removal.error));
        } else {
            status_->setText(tr("Removed %1.").arg(vectorCountText(removal.removed.vectors)));
            emit removed(removal.removed.vectors);
        }
        refresh();
    });
    updateButton();
    refresh();
}

QString VectorSetsBox::describe(const std::string& fingerprint) {
    const auto fields = vectorSetFields(fingerprint);
    QStringList parts;
    if (auto tokens = fields.find("image_tokens"); tokens != fields.end())
        parts << tr("%1 tokens").arg(QString::fromStdString(tokens->second));
    if (auto precision = fields.find("precision"); precision != fields.end())
        parts << QString::fromStdString(precision->second);
    if (fields.contains("base") || fields.contains("weights")) {
        const auto weights = fields.find("weights");
        parts << tr("%1 weights")
                     .arg(weights == fields.end() ? QStringLiteral("bf16")
                                                  : QString::fromStdString(weights->second));
    }
    return parts.isEmpty() ? QString::fromStdString(fingerprint) : parts.join(QStringLiteral(", "));
}

void VectorSetsBox::refresh() {
    if (!store_ || listing_.isRunning())
        return;
    listing_.setFuture(QtConcurrent::run([store = store_]() -> Listing {
        try {
            return {store->vectorSets(), {}};
        } catch (const std::exception& error) {
            return {{}, QString::fromUtf8(error.what())};
        }
    }));
}

void VectorSetsBox::showListing(const Listing& listing) {
    sets_ = listing.sets;
    list_->clear();
    if (!listing.error.isEmpty())
        status_->setText(tr("The library could not be read: %1").arg(listing.error));
    for (const auto& set : sets_) {
        const bool used = inUse_.contains(QString::fromStdString(set.fingerprint));
        auto* item = new QTreeWidgetItem(list_);
        item->setText(SettingsColumn, describe(set.fingerprint));
        item->setToolTip(SettingsColumn, QString::fromStdString(set.fingerprint));
        item->setText(PhotosColumn, QLocale().toString(set.photos));
        item->setText(SizeColumn, QLocale().formattedDataSize(set.bytes));
        item->setText(StateColumn, used ? tr("in use") : QString());
        if (used) {
            QFont bold = item->font(SettingsColumn);
            bold.setBold(true);
            item->setFont(SettingsColumn, bold);
            item->setFont(StateColumn, bold);
        }
        item->setData(SettingsColumn, Qt::UserRole, QString::fromStdString(set.fingerprint));
    }
    updateButton();
    emit listed();
}

void VectorSetsBox::updateButton() {
    const QTreeWidgetItem* item = list_->currentItem();
    const bool removable = item != nullptr && item->isSelected() && !removing_.isRunning() &&
                           !inUse_.contains(item->data(SettingsColumn, Qt::UserRole).toString());
    remove_->setEnabled(removable);
    remove_->setToolTip(item != nullptr && !removable && !removing_.isRunning()
                            ? tr("Searches use this vector set now")
                            : QString());
}

void VectorSetsBox::removeSelected() {
    const QTreeWidgetItem* item = list_->currentItem();
    if (item == nullptr)
        return;
    const QString fingerprint = item->data(SettingsColumn, Qt::UserRole).toString();
    if (inUse_.contains(fingerprint))
        return;
    const auto set = std::find_if(sets_.begin(), sets_.end(), [&](const auto& candidate) {
        return QString::fromStdString(candidate.fingerprint) == fingerprint;
    });
    if (set == sets_.end())
        return;
    QString counts = tr("the vectors of %1 (%2)")
                         .arg(photosInText(static_cast<int>(set->photos)),
                              QLocale().formattedDataSize(set->bytes));
    if (set->instructedVectors > 0) {
        counts += tr(" and %1 made with instructions").arg(vectorCountText(set->instructedVectors));
    }
    QMessageBox confirm(QMessageBox::Warning, tr("Remove vector set"),
                        tr("Remove the vectors made with %1?").arg(describe(set->fingerprint)),
                        QMessageBox::NoButton, this);
    confirm.setObjectName(QStringLiteral("removeVectorSetConfirmation"));
    confirm.setInformativeText(
        tr("This deletes %1 from the library. The photos, their files and the vectors searches "
           "use now are not touched; going back to these settings means indexing again.")
            .arg(counts));
    QPushButton* yes = confirm.addButton(tr("Remove"), QMessageBox::DestructiveRole);
    yes->setObjectName(QStringLiteral("confirmRemoveVectorSet"));
    QPushButton* no = confirm.addButton(QMessageBox::Cancel);
    confirm.setDefaultButton(no);
    confirm.exec();
    if (confirm.clickedButton() != yes)
        return;
    status_->setText(tr("Removing…"));
    removing_.setFuture(
        QtConcurrent::run([store = store_, name = fingerprint.toStdString()]() -> Removal {
            try {
                return {store->removeVectorSet(name), {}};
            } catch (const std::exception& error) {
                return {{}, QString::fromUtf8(error.what())};
            }
        }));
    updateButton();
}

}  // namespace abc::ui
