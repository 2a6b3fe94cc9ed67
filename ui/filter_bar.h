#pragma once

#include <QTimer>
#include <QWidget>

#include "ui/filter_options.h"
#include "ui/photo_filter.h"

class QComboBox;
class QDateEdit;
class QLabel;
class QPushButton;

namespace abc::ui {

// One compact row under the search bar: which folder, which days, which kind of file. Shows
// when any of them narrows the results and resets them all with one click. Applies to every
// kind of search; the window re-runs the current search when the choice changes.
class FilterBar : public QWidget {
    Q_OBJECT

  public:
    explicit FilterBar(QWidget* parent = nullptr);

    PhotoFilter filter() const;
    // Shows `filter` (a saved one, say); announces it when it differs from the shown one.
    void setFilter(const PhotoFilter& filter);
    // The library's folders, types and dates. A chosen folder or type the library no longer
    // has stays chosen (marked so) until the person changes it: nothing changes silently.
    void setOptions(const FilterOptions& options);

    QComboBox* folderChoice() const { return folder_; }
    QComboBox* dateChoice() const { return dates_; }
    QDateEdit* fromEdit() const { return from_; }
    QDateEdit* untilEdit() const { return until_; }
    QComboBox* typeChoice() const { return type_; }
    QPushButton* resetButton() const { return reset_; }
    // The badge ("2 filter(s) on"), "" when nothing filters.
    QString activeText() const;
    // What the filters keep, for the status bar: "folder trips, type JPEG".
    const QString& description() const { return description_; }

  public slots:
    void reset();

  signals:
    void filterChanged(const abc::ui::PhotoFilter& filter);

  private:
    void announceIfChanged();
    void showActiveState();
    void showDateEdits();
    void enterDateRange();
    void addSubfolders(const QString& root, const QStringList& subfolders);

    QComboBox* folder_ = nullptr;
    QComboBox* dates_ = nullptr;
    QDateEdit* from_ = nullptr;
    QLabel* dash_ = nullptr;
    QDateEdit* until_ = nullptr;
    QComboBox* type_ = nullptr;
    QLabel* active_ = nullptr;
    QPushButton* reset_ = nullptr;
    FilterOptions options_;
    PhotoFilter announced_;
    QString description_;
    bool updating_ = false;
    // Typing a year changes the date once per digit; searching waits until it settles.
    QTimer dateSettle_;
};

}  // namespace abc::ui
