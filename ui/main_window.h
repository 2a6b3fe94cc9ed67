#pragma once

#include <QMainWindow>

class QLineEdit;
class QListView;
class QLabel;

namespace abc::ui {

// The window a person opens every day: folders on the left, the search bar on top, results
// as a grid in the middle.
class MainWindow : public QMainWindow {
    Q_OBJECT

  public:
    explicit MainWindow(QWidget* parent = nullptr);

    QLineEdit* searchBar() const { return searchBar_; }
    QLineEdit* instructionBar() const { return instructionBar_; }

  private:
    void buildMenus();

    QLineEdit* searchBar_ = nullptr;
    QLineEdit* instructionBar_ = nullptr;
    QListView* results_ = nullptr;
    QLabel* statusLabel_ = nullptr;
};

}  // namespace abc::ui
